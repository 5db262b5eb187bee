using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Domain.Validation;

namespace Wharf.Domain.Tests;

public class JobSpecificationValidatorTests
{
    private static readonly ProductReference Compute = new("example-compute", "example-compute", "example");
    private readonly FakeCatalog _catalog = new();
    private readonly Dictionary<string, PeerView> _peers = new() { ["4101"] = new PeerView("4101", JobState.Running), ["9"] = new PeerView("9", JobState.Success) };

    private static JobSpecification Database() => new()
    {
        Application = new NameAndVersion("acme-database", "1.0.0"),
        Product = Compute,
        Name = "my-database",
        Parameters = new Dictionary<string, AppParameterValue> { ["dataStore"] = AppParameterValue.File("/123/acme-database") },
    };

    private IReadOnlyList<ValidationError> Validate(JobSpecification spec) =>
        JobSpecificationValidator.Validate(spec, "items[0]", _catalog, id => _peers.GetValueOrDefault(id));

    [Fact]
    public void SeedDatabaseJob_IsValid()
    {
        Assert.Empty(Validate(Database()));
    }

    [Fact]
    public void SeedWebAppJob_WithPeer_IsValid()
    {
        var spec = new JobSpecification
        {
            Application = new NameAndVersion("acme-web-app", "1.0.0"),
            Product = Compute,
            Name = "my-web-app",
            Resources = [AppParameterValue.Peer("database", "4101")],
        };

        Assert.Empty(Validate(spec));
    }

    [Fact]
    public void EveryProblem_IsReportedAtOnce_EachNamingItsField()
    {
        var spec = new JobSpecification
        {
            Application = new NameAndVersion("acme-database", "9.9.9"),
            Product = new ProductReference("nope", "example-compute", "example"),
            Name = "bad/name",
            Replicas = 0,
            TimeAllocation = new SimpleDuration(0, 0, 0),
            Resources = [AppParameterValue.Peer("database", "404"), AppParameterValue.Peer("Bad_Host", "4101")],
        };

        var fields = Validate(spec).Select(e => (e.Field, e.Code)).ToList();

        Assert.Contains(("items[0].application.version", "unknown_application_version"), fields);
        Assert.Contains(("items[0].product", "unknown_product"), fields);
        Assert.Contains(("items[0].name", "invalid_name"), fields);
        Assert.Contains(("items[0].replicas", "out_of_range"), fields);
        Assert.Contains(("items[0].timeAllocation", "must_be_positive"), fields);
        Assert.Contains(("items[0].resources[0].jobId", "unknown_peer"), fields);
        Assert.Contains(("items[0].resources[1].hostname", "invalid_hostname"), fields);
    }

    [Fact]
    public void UnknownApplication_IsNamed()
    {
        var errors = Validate(Database() with { Application = new NameAndVersion("nope", "1") });

        Assert.Contains(errors, e => e.Field == "items[0].application.name" && e.Code == "unknown_application");
    }

    [Fact]
    public void MissingRequiredParameter_IsNamed()
    {
        var errors = Validate(Database() with { Parameters = null });

        Assert.Contains(errors, e => e.Field == "items[0].parameters.dataStore" && e.Code == "required");
    }

    [Fact]
    public void UnknownParameter_IsNamed()
    {
        var parameters = new Dictionary<string, AppParameterValue>(Database().Parameters!) { ["colour"] = AppParameterValue.Text("red") };

        var errors = Validate(Database() with { Parameters = parameters });

        Assert.Contains(errors, e => e.Field == "items[0].parameters.colour" && e.Code == "unknown_parameter");
    }

    [Fact]
    public void WronglyTypedParameter_IsNamed()
    {
        var errors = Validate(Database() with { Parameters = new Dictionary<string, AppParameterValue> { ["dataStore"] = AppParameterValue.Integer(3) } });

        Assert.Contains(errors, e => e.Field == "items[0].parameters.dataStore.type" && e.Code == "wrong_type");
    }

    [Theory]
    [InlineData("count", "integer", "\"seven\"", "wrong_type")]
    [InlineData("count", "integer", "1.5", "wrong_type")]
    [InlineData("count", "integer", "11", "out_of_range")]
    [InlineData("ratio", "floating_point", "true", "wrong_type")]
    [InlineData("flag", "boolean", "\"yes\"", "wrong_type")]
    [InlineData("mode", "enumeration", "\"medium\"", "not_an_option")]
    [InlineData("label", "text", "42", "wrong_type")]
    public void ScalarValues_AreCheckedAgainstTheirType(string name, string type, string json, string code)
    {
        var spec = new JobSpecification
        {
            Application = new NameAndVersion("typed", "2"),
            Product = Compute,
            Parameters = new Dictionary<string, AppParameterValue>
            {
                [name] = new() { Type = type, Value = JsonDocument.Parse(json).RootElement.Clone() },
            },
        };

        Assert.Contains(Validate(spec), e => e.Field == $"items[0].parameters.{name}.value" && e.Code == code);
    }

    [Fact]
    public void DuplicatePeerHostname_IsNamed()
    {
        var spec = new JobSpecification
        {
            Application = new NameAndVersion("acme-web-app", "1.0.0"),
            Product = Compute,
            Resources = [AppParameterValue.Peer("database", "4101"), AppParameterValue.Peer("database", "4101")],
        };

        Assert.Contains(Validate(spec), e => e.Field == "items[0].resources[1].hostname" && e.Code == "duplicate_hostname");
    }

    [Fact]
    public void FinishedPeer_IsRefused()
    {
        var spec = new JobSpecification
        {
            Application = new NameAndVersion("acme-web-app", "1.0.0"),
            Product = Compute,
            Resources = [AppParameterValue.Peer("database", "9")],
        };

        Assert.Contains(Validate(spec), e => e.Field == "items[0].resources[0].jobId" && e.Code == "peer_not_active");
    }

    [Theory]
    [InlineData(-1, 0, 0, "negative")]
    [InlineData(0, 0, 0, "must_be_positive")]
    [InlineData(long.MaxValue, 0, 0, "out_of_range")]
    public void TimeAllocation_MustBePositiveAndSane(long hours, long minutes, long seconds, string code)
    {
        var errors = Validate(Database() with { TimeAllocation = new SimpleDuration(hours, minutes, seconds) });

        Assert.Contains(errors, e => e.Field == "items[0].timeAllocation" && e.Code == code);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("/123/../../etc")]
    [InlineData("")]
    public void FilePaths_MustStayInTheFileStore(string path)
    {
        var errors = Validate(Database() with { Parameters = new Dictionary<string, AppParameterValue> { ["dataStore"] = AppParameterValue.File(path) } });

        Assert.Contains(errors, e => e.Field == "items[0].parameters.dataStore.path");
    }

    [Fact]
    public void Replicas_AreCappedByTheApplication()
    {
        var spec = new JobSpecification { Application = new NameAndVersion("acme-web-app", "1.0.0"), Product = Compute, Replicas = 5 };

        Assert.Contains(Validate(spec), e => e.Field == "items[0].replicas");
    }

    [Fact]
    public void MissingApplicationAndProduct_AreBothNamed()
    {
        var errors = Validate(new JobSpecification());

        Assert.Contains(errors, e => e.Field == "items[0].application" && e.Code == "required");
        Assert.Contains(errors, e => e.Field == "items[0].product" && e.Code == "required");
    }
}
