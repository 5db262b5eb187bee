namespace Wharf.Templates;

/// <summary>A template could not be rendered: its file and why (a property without a value, a syntax error).</summary>
public sealed class TemplateException : Exception
{
    /// <summary>An exception with a message.</summary>
    public TemplateException()
    {
    }

    /// <summary>An exception with a message.</summary>
    public TemplateException(string message) : base(message)
    {
    }

    /// <summary>An exception with a message and its cause.</summary>
    public TemplateException(string message, Exception inner) : base(message, inner)
    {
    }
}
