namespace Acme.WebApp;

/// <summary>The database could not be reached, did not answer in time, or answered something unexpected.</summary>
internal sealed class DatabaseUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
