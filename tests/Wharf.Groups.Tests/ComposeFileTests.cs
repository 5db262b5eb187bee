using Wharf.Server.Groups.Manifests;

namespace Wharf.Groups.Tests;

public class ComposeFileTests
{
    private const string Sample = """
        name: shop
        x-common: &common
          restart: always
          environment:
            LOG: debug
        services:
          db:
            <<: *common
            image: postgres:16
            x-wharf:
              command: [postgres, -D, data]
            environment:
              POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}
            ports: ["5432:5432"]
            healthcheck:
              test: ["CMD-SHELL", "pg_isready"]
              interval: 2s
          web:
            command: python3 -m http.server 8000
            ports:
              - target: 8000
                name: http
            depends_on:
              db:
                condition: service_healthy
        """;

    [Fact]
    public void Sample_ReadsIntoComponents()
    {
        var manifest = Read.Compose(Sample, "DB_PASSWORD=secret\n", null, null);
        Assert.Equal((GroupKinds.Compose, "shop"), (manifest.Kind, manifest.Name));
        var db = manifest.Components[0];
        Assert.Equal(["postgres", "-D", "data"], db.Definition!.Command);
        Assert.True(db.RestartOnExit);
        Assert.Equal("secret", db.Definition.Environment["POSTGRES_PASSWORD"]);
        var web = manifest.Components[1];
        Assert.Equal(["python3", "-m", "http.server", "8000"], web.Definition!.Command);
        Assert.Equal("http", Assert.Single(web.Definition.Ports).Name);
        Assert.Equal(["db"], web.Peers);
        Assert.Empty(manifest.Warnings);
    }

    [Fact]
    public void JsonForm_AsTychoSendsIt_ReadsTheSame()
    {
        const string json = """{"version": "3", "services": {"web": {"image": "nginx", "x-wharf": {"command": ["nginx", "-g", "daemon off;"]}, "ports": ["8080:80"], "environment": {"A": "${A}"}, "depends_on": ["db"]}, "db": {"entrypoint": "postgres"}}}""";
        var manifest = ComposeManifest.Parse(json, null, new Dictionary<string, string> { ["A"] = "a" }, "tycho-app");
        Assert.Equal("tycho-app", manifest.Name);
        Assert.Equal(["db", "web"], manifest.Components.Select(c => c.Name));
        var web = manifest.Components[1];
        Assert.Equal(["nginx", "-g", "daemon off;"], web.Definition!.Command);
        Assert.Equal("p80", Assert.Single(web.Definition.Ports).Name);
        Assert.Equal("a", web.Definition.Environment["A"]);
    }

    [Fact]
    public void JsonForm_FaultsNameTheField()
    {
        var faults = Read.ComposeFaults("""{"services": {"web": {"image": "nginx"}}}""");
        Assert.Equal("required", Read.Single(faults, "services.web").Code);
    }

    [Fact]
    public void SeveralFaults_AreAllReported_EachWithItsLine()
    {
        const string yaml = """
            services:
              web:
                command: [run]
                ports: ["1-2"]
                deploy:
                  replicas: 0
                depends_on: [ghost]
              job:
                image: busybox
            """;
        var faults = Read.ComposeFaults(yaml, name: null);
        Assert.Equal(
            [("services.web.ports[0]", 4), ("services.web.deploy.replicas", 6), ("services.web.depends_on[0]", 7), ("services.job", 9), ("name", null)],
            faults.Select(f => (f.Field, f.Line)).OrderBy(f => f.Line ?? int.MaxValue).ToList());
        Assert.All(faults.Where(f => f.Line is not null), f => Assert.StartsWith($"line {f.Line}: ", f.Message, StringComparison.Ordinal));
        var exception = Assert.Throws<ManifestException>(() => Read.Compose(yaml, name: null));
        Assert.Contains("services.web.ports[0]", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_FromFileWinsOverFallback_AndNeitherIsAFault()
    {
        Assert.Equal("mine", Read.Compose("name: mine\nservices:\n  a: {command: [run]}\n", name: "other").Name);
        Assert.Equal("other", Read.Compose("services:\n  a: {command: [run]}\n", name: "other").Name);
        Assert.Equal("required", Read.Single(Read.ComposeFaults("services:\n  a: {command: [run]}\n", name: null), "name").Code);
    }

    [Fact]
    public void UnknownTopLevelKey_IsAFault_ButKnownOnesAndExtensionsAreNot()
    {
        var manifest = Read.Compose("version: \"3.9\"\nnetworks: {}\nvolumes: {data: {}}\nsecrets: {}\nconfigs: {}\nx-anything: 1\nservices:\n  a: {command: [run]}\n");
        Assert.Single(manifest.Components);
        var fault = Read.Single(Read.ComposeFaults("include: [other.yaml]\nservices:\n  a: {command: [run]}\n"), "include");
        Assert.Equal(("unknown_key", 1), (fault.Code, fault.Line));
    }

    [Fact]
    public void RefusedServiceKeys_AreFaults_IgnoredOnesAreWarnings()
    {
        var faults = Read.ComposeFaults("services:\n  a:\n    command: [run]\n    env_file: .env\n    extends: {service: b}\n    profiles: [debug]\n");
        Assert.Equal(["services.a.env_file", "services.a.extends", "services.a.profiles"], faults.Select(f => f.Field));
        Assert.All(faults, f => Assert.Equal("unsupported", f.Code));
        var manifest = Read.Compose("services:\n  a:\n    command: [run]\n    image: x\n    volumes: [\"./data:/data\"]\n    working_dir: /app\n");
        Assert.Equal(["services.a.volumes", "services.a.working_dir"], manifest.Warnings.Select(w => w.Field));
    }

    [Fact]
    public void NoServices_AndBadServiceNames_AreFaults()
    {
        Assert.Equal("required", Read.Single(Read.ComposeFaults("name: x\n"), "services").Code);
        Assert.Equal("invalid_name", Read.Single(Read.ComposeFaults("services:\n  Web_App:\n    command: [run]\n"), "services.Web_App").Code);
    }

    [Fact]
    public void SyntaxError_NamesTheLine()
    {
        var fault = Assert.Single(Read.ComposeFaults("services:\n  a:\n    command: run\n   b: x\n"));
        Assert.Equal(("syntax", 4), (fault.Code, fault.Line));
        Assert.StartsWith("line 4: ", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnclosedBracket_IsASyntaxFault()
    {
        Assert.Equal("syntax", Assert.Single(Read.ComposeFaults("services:\n  a:\n    command: [run\n")).Code);
    }

    [Fact]
    public void DuplicateKey_IsASyntaxFault()
    {
        var fault = Assert.Single(Read.ComposeFaults("services:\n  a: {command: [run]}\n  a: {command: [run]}\n"));
        Assert.Equal(("syntax", 3), (fault.Code, fault.Line));
    }

    [Fact]
    public void EmptyText_IsAFault()
    {
        Assert.Equal("required", Assert.Single(Read.ComposeFaults("")).Code);
    }

    [Fact]
    public void Message_NamesTheLine_WithoutRepeatingTheField()
    {
        var fault = Read.Single(Read.ComposeFaults("services:\n  web:\n    command: [run]\n    restart: sometimes\n"), "services.web.restart");
        Assert.Equal("line 4: 'sometimes' is not no, always, unless-stopped or on-failure", fault.Message);
    }

    [Fact]
    public void SeveralDocuments_AreAFault()
    {
        var fault = Assert.Single(Read.ComposeFaults("services:\n  a: {command: [run]}\n---\nservices:\n  b: {command: [run]}\n"));
        Assert.Equal(("syntax", 4), (fault.Code, fault.Line));
    }
}
