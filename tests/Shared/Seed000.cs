namespace Wharf.Testing;

/// <summary>
/// Seed 000's two request bodies exactly as its curl commands hold them (<c>-d '…'</c>), for the tests that send
/// them. The web app's peer is job "4101", the id the first request gets on a fresh server.
/// </summary>
internal static class Seed000
{
    /// <summary>The Content-Type header value the seed's curl sends, malformed as written.</summary>
    public const string ContentType = "content-type: application/json; charset=utf-8";

    public const string DatabaseBody = """
        {
            "items": [
                {
                    "application": {
                        "name": "acme-database",
                        "version": "1.0.0"
                    },
                    "product": {
                        "id": "example-compute",
                        "category": "example-compute",
                        "provider": "example"
                    },
                    "name": "my-database",
                    "replicas": 1,
                    "allowDuplicateJob": false,
                    "parameters": {
                        "dataStore": {
                            "type": "file",
                            "path": "/123/acme-database",
                            "readOnly": false
                        }
                    },
                    "resources": null,
                    "timeAllocation": null,
                    "openedFile": null,
                    "restartOnExit": null,
                    "sshEnabled": null
                }
            ]
        }
        """;

    public const string WebAppBody = """
        {
            "items": [
                {
                    "application": {
                        "name": "acme-web-app",
                        "version": "1.0.0"
                    },
                    "product": {
                        "id": "example-compute",
                        "category": "example-compute",
                        "provider": "example"
                    },
                    "name": "my-web-app",
                    "replicas": 1,
                    "allowDuplicateJob": false,
                    "parameters": null,
                    "resources": [
                        {
                            "type": "peer",
                            "hostname": "database",
                            "jobId": "4101"
                        }
                    ],
                    "timeAllocation": null,
                    "openedFile": null,
                    "restartOnExit": null,
                    "sshEnabled": null
                }
            ]
        }
        """;
}
