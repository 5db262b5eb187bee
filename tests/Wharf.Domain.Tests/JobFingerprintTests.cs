using System.Text.Json;
using Wharf.Domain.Jobs;
using Wharf.Domain.Serialization;
using Wharf.Domain.Validation;

namespace Wharf.Domain.Tests;

public class JobFingerprintTests
{
    [Fact]
    public void EqualApplicationAndParameters_GiveEqualFingerprints_WhateverTheOrderAndOtherFields()
    {
        var a = new JobSpecification
        {
            Application = new NameAndVersion("app", "1"),
            Name = "one",
            Parameters = new Dictionary<string, AppParameterValue> { ["x"] = AppParameterValue.Integer(1), ["y"] = AppParameterValue.Text("t") },
        };
        var b = a with
        {
            Name = "two",
            Replicas = 3,
            Parameters = new Dictionary<string, AppParameterValue> { ["y"] = AppParameterValue.Text("t"), ["x"] = AppParameterValue.Integer(1) },
        };

        Assert.Equal(JobFingerprint.Compute(a), JobFingerprint.Compute(b));
    }

    [Fact]
    public void DifferentParameters_GiveDifferentFingerprints()
    {
        var a = new JobSpecification { Application = new NameAndVersion("app", "1"), Parameters = new Dictionary<string, AppParameterValue> { ["x"] = AppParameterValue.Integer(1) } };
        var b = a with { Parameters = new Dictionary<string, AppParameterValue> { ["x"] = AppParameterValue.Integer(2) } };
        var c = a with { Application = new NameAndVersion("app", "2") };

        Assert.NotEqual(JobFingerprint.Compute(a), JobFingerprint.Compute(b));
        Assert.NotEqual(JobFingerprint.Compute(a), JobFingerprint.Compute(c));
    }
}

public class WharfJsonTests
{
    [Fact]
    public void Job_RoundTrips_WithUcloudNames()
    {
        var job = new JobBuilder().WithAllocation(new SimpleDuration(1, 0, 0)).Build().Apply(JobTransitions.Start, JobBuilder.T0).After;

        var json = JsonSerializer.Serialize(job, WharfJson.Options);
        var back = JsonSerializer.Deserialize<Job>(json, WharfJson.Options)!;

        Assert.Contains("\"state\":\"RUNNING\"", json, StringComparison.Ordinal);
        Assert.Contains($"\"createdAt\":{JobBuilder.T0.ToUnixTimeMilliseconds()}", json, StringComparison.Ordinal);
        Assert.Contains("\"owner\":{\"createdBy\":\"alice\",\"project\":\"p1\"}", json, StringComparison.Ordinal);
        Assert.Equal(job.Status, back.Status);
        Assert.Equal(job.Updates, back.Updates);
        Assert.Equal(job.CreatedAt, back.CreatedAt);
    }

    [Fact]
    public void SeedSpecification_Deserializes()
    {
        const string json = """
            {"application":{"name":"acme-web-app","version":"1.0.0"},
             "product":{"id":"example-compute","category":"example-compute","provider":"example"},
             "name":"my-web-app","replicas":1,"allowDuplicateJob":false,"parameters":null,
             "resources":[{"type":"peer","hostname":"database","jobId":"4101"}],
             "timeAllocation":null,"openedFile":null,"restartOnExit":null,"sshEnabled":null}
            """;

        var spec = JsonSerializer.Deserialize<JobSpecification>(json, WharfJson.Options)!;

        Assert.Equal("acme-web-app", spec.Application!.Name);
        Assert.Equal("database", spec.Resources![0].Hostname);
        Assert.Equal("4101", spec.Resources[0].JobId);
        Assert.Null(spec.Parameters);
    }

    [Fact]
    public void UnknownState_IsAJsonError()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<JobStatus>("{\"state\":\"DONE\"}", WharfJson.Options));
    }
}
