using Wharf.Domain.Jobs;
using Wharf.Server.Groups.Manifests;

namespace Wharf.Groups.Tests;

public class IcosDescriptorTests
{
    // The shape of the ICOS job manager's own test descriptor: bare Kubernetes objects matched by metadata.name.
    private const string Descriptor = """
        name: video-app
        description: a producer and a consumer
        components:
          - name: consumer
            type: kubernetes
            manifests:
              - name: mjpeg
            requirements:
              cpu: 500m
              memory: 512Mi
              architecture: arm64
              devices: squat.ai/video
              nodelabel:
                key: robot
                values: [r1, r2]
            policies:
              - name: scheduling-policy
                type: scheduler
                performance: 0.5
            targets:
              - cluster_name: nuvlabox/55c7
                node_name: rpi-5
                orchestrator: nuvla
          - name: producer
            type: kubernetes
            manifests:
              - name: video-streaming-deployment
            requirements: {cpu: 2, memory: 2G}
            targets:
              cluster_name: cluster1
              orchestrator: ocm
        manifests:
          - apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: mjpeg
            spec:
              replicas: 1
              template:
                spec:
                  containers:
                    - name: c
                      image: "mjpeg:1.10"
                      args: ["true", "null", "42"]
          - apiVersion: v1
            kind: Service
            metadata:
              name: mjpeg
            spec:
              ports: [{port: 80}]
          - name: video-streaming-deployment
            manifest:
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: streamer
        """;

    [Fact]
    public void Descriptor_ReadsIntoComponents()
    {
        var manifest = IcosDescriptor.Parse(Descriptor);
        Assert.Equal((GroupKinds.Icos, "video-app", "a producer and a consumer"), (manifest.Kind, manifest.Name, manifest.Description));
        var consumer = manifest.Components[0];
        Assert.Null(consumer.Definition);
        Assert.Equal("kubernetes", consumer.Type);
        Assert.Equal(new RankDemand(0.5, 512), consumer.Demand);
        Assert.Equal("arm64", consumer.Requirements["architecture"]);
        Assert.Equal("squat.ai/video", consumer.Requirements["devices"]);
        Assert.Equal("""{"key":"robot","values":["r1","r2"]}""", consumer.Requirements["nodelabel"]);
        Assert.Equal([new ComponentTarget("nuvlabox/55c7", "rpi-5", "nuvla")], consumer.Targets);
        Assert.Equal("nuvla", consumer.Orchestrator);
        Assert.Equal("scheduling-policy", consumer.Policies!.Value[0].GetProperty("name").GetString());

        var producer = manifest.Components[1];
        Assert.Equal(new RankDemand(2, 1908), producer.Demand);
        Assert.Equal([new ComponentTarget("cluster1", null, "ocm")], producer.Targets);
        Assert.Equal("ocm", producer.Orchestrator);
    }

    [Fact]
    public void ManifestReference_TakesEveryManifestOfThatName_AsYamlThatReadsBackTheSame()
    {
        var consumer = IcosDescriptor.Parse(Descriptor).Components[0];
        Assert.Equal(2, consumer.Manifests.Count);
        Assert.Contains("kind: Deployment", consumer.Manifests[0], StringComparison.Ordinal);
        Assert.Contains("kind: Service", consumer.Manifests[1], StringComparison.Ordinal);

        // Each text is a descriptor manifest on its own; reading it back must give the same values (quoted "1.10", "true").
        var wrapped = IcosDescriptor.Parse($"name: x\ncomponents:\n  - name: c\n    manifests: [{{name: mjpeg}}]\nmanifests:\n{Indent(consumer.Manifests[0])}");
        Assert.Equal(consumer.Manifests[0], wrapped.Components[0].Manifests[0]);
        Assert.Contains("image: mjpeg:1.10", consumer.Manifests[0], StringComparison.Ordinal);
        Assert.Contains("- \"42\"", consumer.Manifests[0], StringComparison.Ordinal);
        Assert.Contains("- \"true\"", consumer.Manifests[0], StringComparison.Ordinal);
        Assert.Contains("replicas: 1", consumer.Manifests[0], StringComparison.Ordinal);
    }

    [Fact]
    public void WrappedManifest_GivesTheInnerManifest()
    {
        var producer = IcosDescriptor.Parse(Descriptor).Components[1];
        var text = Assert.Single(producer.Manifests);
        Assert.StartsWith("apiVersion: apps/v1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("manifest:", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"2\"", 2.0, "1Gi", 1024L)]
    [InlineData("0.25", 0.25, "\"1000000\"", 1L)]
    [InlineData("250m", 0.25, "200M", 191L)]
    [InlineData("1", 1.0, "64Ki", 1L)]
    public void Requirements_CpuAndMemory(string cpu, double cores, string memory, long mib)
    {
        var manifest = IcosDescriptor.Parse($"name: x\ncomponents:\n  - name: c\n    requirements:\n      cpu: {cpu}\n      memory: {memory}\n");
        Assert.Equal(new RankDemand(cores, mib), manifest.Components[0].Demand);
    }

    [Fact]
    public void NoTargets_NoOrchestrator_NoRequirements()
    {
        var component = IcosDescriptor.Parse("name: x\ncomponents:\n  - name: c\n    targets: []\n").Components[0];
        Assert.Empty(component.Targets);
        Assert.Null(component.Orchestrator);
        Assert.Null(component.Demand);
        Assert.Empty(component.Manifests);
    }

    [Fact]
    public void Faults_AreAllReported_WithLines()
    {
        const string yaml = """
            description: no name
            components:
              - name: a
                manifests:
                  - name: nowhere
                requirements:
                  cpu: lots
                  memory: 12 bytes
                  gpu: 1
                targets:
                  - orchestrator: kubernetes
              - name: a
              - type: docker
            manifests:
              - kind: ConfigMap
            """;
        var faults = Read.IcosFaults(yaml);
        Assert.Equal(
            [
                ("name", "required", null),
                ("components[0].manifests[0].name", "unknown_manifest", 5),
                ("components[0].requirements.cpu", "invalid", 7),
                ("components[0].requirements.memory", "invalid", 8),
                ("components[0].requirements.gpu", "unknown_key", 9),
                ("components[0].targets[0].orchestrator", "invalid", 11),
                ("components[1].name", "duplicate", 12),
                ("components[2].name", "required", 13),
                ("manifests[0]", "required", 15),
            ],
            faults.Select(f => (f.Field, f.Code, f.Line)).OrderBy(f => f.Line ?? 0).ToList());
    }

    [Fact]
    public void NoComponents_IsAFault_AndSyntaxErrorsNameTheLine()
    {
        Assert.Equal("required", Read.Single(Read.IcosFaults("name: x\n"), "components").Code);
        Assert.Equal(("syntax", 2), Assert.Single(Read.IcosFaults("name: x\ncomponents: a: b\n")) is var f ? (f.Code, f.Line ?? 0) : default);
    }

    [Fact]
    public void UnusedManifests_AndUnknownKeys_AreWarnings()
    {
        var manifest = IcosDescriptor.Parse("name: x\nextra: 1\ncomponents:\n  - name: c\n    communication: {outgoing: [s]}\n    colour: red\nmanifests:\n  - metadata: {name: spare}\n");
        Assert.Equal(["extra", "components[0].colour", "manifests[0]"], manifest.Warnings.Select(w => w.Field));
    }

    [Fact]
    public void JsonDescriptor_IsRead()
    {
        var manifest = IcosDescriptor.Parse("""{"name": "j", "components": [{"name": "c", "targets": {"orchestrator": "OCM"}}]}""");
        Assert.Equal("ocm", manifest.Components[0].Orchestrator);
    }

    [Fact]
    public void Orchestrator_IsTheFirstTargets_AndEveryTargetIsKept()
    {
        var component = IcosDescriptor.Parse("name: x\ncomponents:\n  - name: c\n    targets:\n      - {cluster_name: a, orchestrator: ocm}\n      - {cluster_name: b, orchestrator: nuvla}\n").Components[0];
        Assert.Equal("ocm", component.Orchestrator);
        Assert.Equal(["a", "b"], component.Targets.Select(t => t.ClusterName));
    }

    private static string Indent(string yaml)
    {
        var lines = yaml.TrimEnd('\n').Split('\n');
        return string.Join('\n', lines.Select((l, i) => (i == 0 ? "  - " : "    ") + l)) + "\n";
    }
}
