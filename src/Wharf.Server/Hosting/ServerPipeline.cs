using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Wharf.Domain.Serialization;
using Wharf.Server.Api;
using Wharf.Server.Auth;
using Wharf.Server.Callbacks;
using Wharf.Server.Doors.ResourceQueue;
using Wharf.Server.Catalog;
using Wharf.Server.Execution;
using Wharf.Server.Jobs;
using Wharf.Server.Problems;
using Wharf.Storage;

namespace Wharf.Server.Hosting;

/// <summary>Builds the web application: services, the middleware order, and every route.</summary>
internal static class ServerPipeline
{
    public static WebApplication Build(WharfServerOptions options, IWharfStore store)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // No file watchers on the data folder: many servers (and tests) may run in one process.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = Path.GetFullPath(options.DataDirectory),
            EnvironmentName = "Production",
        });
        builder.Services.AddSingleton<IHostLifetime, OwnerLifetime>();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes + RequestBody.DrainAllowance;
        });
        InProcessServer.Register(builder.Services);
        ConfigureLogging(builder.Logging);
        ConfigureServices(builder.Services, options, store);

        var app = builder.Build();
        app.Services.GetRequiredService<JobFeed>().Logger = app.Services.GetRequiredService<ILogger<JobFeed>>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = ProblemPipeline.HandleExceptionAsync,
            SuppressDiagnosticsCallback = context => ProblemPipeline.IsClientFault(context.Exception),
        });
        app.UseStatusCodePages(ProblemPipeline.WriteStatusCodeAsync);
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi().AllowAnonymous();
        HealthApi.Map(app);
        JobsApi.Map(app);
        GroupsApi.Map(app);
        CatalogApi.Map(app);
        TokensApi.Map(app);
        app.MapExecution();
        CallbacksApi.Map(app);
        ResourceQueueDoor.Map(app);
        Doors.Tycho.TychoDoor.Map(app);
        Doors.Icos.IcosDoor.Map(app);
        return app;
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        logging.SetMinimumLevel(LogLevel.Information);

        // Request-level framework logs are noise at Information; warnings and errors still show.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
    }

    private static void ConfigureServices(IServiceCollection services, WharfServerOptions options, IWharfStore store)
    {
        services.ConfigureHttpJsonOptions(json => WharfJson.Configure(json.SerializerOptions));
        services.AddSingleton(options);
        // Every writer saves through this wrapper, which tells the scheduler, agents, timers and followers of each change.
        var feed = new JobFeed();
        services.AddSingleton<IWharfStore>(new ObservedStore(store, feed));
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton<CatalogCache>();
        services.AddSingleton<TokenCache>();
        services.AddSingleton(new OidcTokenValidator(options.Oidc));
        services.AddSingleton<JobSubmission>();
        services.AddSingleton<JobCommands>();
        services.AddSingleton<Groups.GroupService>();
        services.AddExecution(options.Execution, feed);
        services.AddSingleton(CallbackSecret.Load(options));
        services.AddHostedService<CallbackDispatcher>();

        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, configureOptions: null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(BearerTokenHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, policy => policy.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireRole(Roles.Admin))
            .AddPolicy(Policies.JobsCaller, policy => policy.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireRole(Roles.User, Roles.Admin));

        services.AddOpenApi(openApi =>
        {
            openApi.AddOperationTransformer(BodyDescription.DescribeAsync);
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Wharf native API";
                document.Info.Description = "Jobs (UCloud's shapes), the catalog and tokens. Every route but /healthz, /readyz and this document "
                    + "needs 'Authorization: Bearer <token>'. Errors are RFC 9457 problems with a stable 'code'.";
                return Task.CompletedTask;
            });
        });
    }
}
