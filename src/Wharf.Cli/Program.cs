using Wharf.Cli;

return await WharfCommandLine.RunAsync(args, CliEnvironment.FromProcess(), CancellationToken.None).ConfigureAwait(false);
