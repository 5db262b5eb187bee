using System.Text.Json;
using Wharf.Domain.Catalog;
using Wharf.Templates;

namespace Wharf.Lifecycle.Tests;

/// <summary>The template engine and the ERB subset, on their own.</summary>
public sealed class TemplateTests
{
    private static TemplateContext Context(string properties = "{}") => new()
    {
        JobId = "4101",
        JobName = "web",
        Rank = 1,
        Replicas = 3,
        Address = "10.0.0.2",
        Ports = new Dictionary<string, int> { ["http"] = 8080 },
        Peers = new Dictionary<string, TemplatePeer> { ["database"] = new("4100", "database", new Dictionary<string, int> { ["db"] = 5432 }) },
        Properties = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(properties)!,
    };

    private static string Render(string template, string properties = "{}") =>
        TemplateRenderer.Render([new ApplicationTemplate("out", template)], Context(properties))[0].Content;

    [Fact]
    public void Render_SeesTheJobItsPortsPeersAndProperties_WithoutHtmlEscaping()
    {
        var text = Render("{{job.id}}/{{job.name}} {{job.rank}}of{{job.replicas}} {{address}}:{{ports.http}} {{peers.database.address}}:{{peers.database.ports.db}} {{p \"key\"}} {{p \"missing\" 7}}",
            """{"key": "a<b&c"}""");
        Assert.Equal("4101/web 1of3 10.0.0.2:8080 database:5432 a<b&c 7", text);
    }

    [Fact]
    public void Render_PropertyWithoutValueOrDefault_FailsNamingTheFile()
    {
        var error = Assert.Throws<TemplateException>(() => TemplateRenderer.Render([new ApplicationTemplate("config/app.conf", "{{p \"secret\"}}")], Context()));
        Assert.StartsWith("config/app.conf:", error.Message, StringComparison.Ordinal);
        Assert.Contains("'secret'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<%= p(\"key\") %>", "v")]
    [InlineData("<%= p('missing', 'd') %>|<%= p(\"missing\", 3) %>", "d|3")]
    [InlineData("<% if_p(\"key\") do |k| %>[<%= k %>]<% end %><% if_p(\"missing\") do |m| %>never<% end %>", "[v]")]
    [InlineData("<%= spec.name %>/<%= spec.index %>@<%= spec.address %>", "web/1@10.0.0.2")]
    [InlineData("a <%# note %>b {{literal}}\n<% if_p(\"key\") do -%>\nyes\n<% end -%>\n", "a b {{literal}}\nyes\n")]
    public void Erb_SupportedSubset_RendersAsBoshWould(string erb, string expected) =>
        Assert.Equal(expected, Render(ErbTemplate.Translate("templates/t.erb", erb), """{"key": "v"}"""));

    [Theory]
    [InlineData("line one\n<%= link(\"db\").address %>", 2)]
    [InlineData("\n\n<% if true %>x<% end %>", 3)]
    [InlineData("<%= p(\"a\") + p(\"b\") %>", 1)]
    [InlineData("ok\n<% if_p(\"a\") do |a| %>never closed", 2)]
    public void Erb_AnythingElse_IsRefusedWithFileAndLine(string erb, int line)
    {
        var error = Assert.Throws<TemplateException>(() => ErbTemplate.Translate("templates/t.erb", erb));
        Assert.StartsWith($"templates/t.erb:{line}:", error.Message, StringComparison.Ordinal);
    }
}
