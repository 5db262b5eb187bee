using System.Text.Json.Nodes;

namespace Wharf.Tycho.Tests;

/// <summary>Compose files in their JSON form, as the client sends them after reading the YAML.</summary>
internal static class Systems
{
    /// <summary>A database (health-checked, slow to listen), a web app that needs it healthy, and a one-shot that calls the web app.</summary>
    public static JsonObject DatabaseWebAndJob() => (JsonObject)JsonNode.Parse($$$"""
        {
          "version": "3",
          "services": {
            "db": {
              "deploy": {"resources": {"reservations": {"cpus": "0.25", "memory": "128M"} } },
              "image": "postgres:16",
              "ports": ["5432"],
              "x-wharf": {
                "command": ["python3", "-c", {{{Json(DatabaseScript)}}}],
                "healthcheck": {"type": "http", "port": 5432, "path": "/", "interval": "1s", "timeout": "1s", "retries": 60}
              }
            },
            "web": {
              "deploy": {"resources": {"reservations": {"cpus": "0.25", "memory": "128M"} } },
              "image": "acme/web",
              "ports": ["8000:8080"],
              "environment": {"GREETING": "${GREETING}"},
              "depends_on": {"db": {"condition": "service_healthy"}},
              "x-wharf": {"command": ["python3", "-c", {{{Json(WebScript)}}}]}
            },
            "report": {
              "deploy": {"resources": {"reservations": {"cpus": "0.25", "memory": "128M"} } },
              "image": "acme/report",
              "depends_on": {"web": {"condition": "service_started"}},
              "x-wharf": {"command": ["python3", "-c", {{{Json(ReportScript)}}}]}
            }
          }
        }
        """)!;

    /// <summary>One service that answers HTTP on its port 80.</summary>
    public static JsonObject OneServer() => (JsonObject)JsonNode.Parse($$$"""
        {"services": {"www": {"image": "nginx", "ports": ["80"], "cpus": 0.25, "x-wharf": {"command": ["python3", "-c", {{{Json(ServerScript)}}}] } } } }
        """)!;

    /// <summary>A one-shot that fails, and a service that needs it to succeed: that service can never run, so never gets its port.</summary>
    public static JsonObject Failing() => (JsonObject)JsonNode.Parse("""
        {"services": {
          "setup": {"image": "busybox", "cpus": 0.25, "x-wharf": {"command": ["/bin/sh", "-c", "exit 3"]}},
          "www": {"image": "nginx", "cpus": 0.25, "ports": ["80"], "depends_on": {"setup": {"condition": "service_completed_successfully"}},
                  "x-wharf": {"command": ["/bin/sh", "-c", "sleep 60"]}}
        }}
        """)!;

    // The database listens only after a second, so a web app started before it is healthy fails (it checks at start).
    private const string DatabaseScript = """
        import http.server, os, time
        time.sleep(1)
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"acme-db"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("0.0.0.0", int(os.environ["WHARF_PORT_P5432"])), H).serve_forever()
        """;

    private const string WebScript = """
        import http.server, os, urllib.request
        db = "http://%s:%s/" % (os.environ["WHARF_PEER_DB_HOST"], os.environ["WHARF_PEER_DB_PORT_P5432"])
        urllib.request.urlopen(db, timeout=5).read()
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = (os.environ["GREETING"] + ", web sees " + urllib.request.urlopen(db, timeout=5).read().decode()).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("0.0.0.0", int(os.environ["WHARF_PORT_P8080"])), H).serve_forever()
        """;

    private const string ReportScript = """
        import os, sys, time, urllib.request
        url = "http://%s:%s/" % (os.environ["WHARF_PEER_WEB_HOST"], os.environ["WHARF_PEER_WEB_PORT_P8080"])
        for attempt in range(100):
            try:
                body = urllib.request.urlopen(url, timeout=2).read().decode()
                break
            except Exception:
                time.sleep(0.1)
        else:
            sys.exit(2)
        sys.exit(0 if "web sees acme-db" in body else 3)
        """;

    private const string ServerScript = """
        import http.server, os
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("0.0.0.0", int(os.environ["WHARF_PORT_P80"])), H).serve_forever()
        """;

    private static string Json(string text) => JsonValue.Create(text.ReplaceLineEndings("\n")).ToJsonString();
}
