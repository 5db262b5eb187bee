namespace Wharf.Icos.Tests;

/// <summary>Application descriptors in the ICOS shape.</summary>
internal static class Descriptors
{
    /// <summary>Two components: a web Deployment for OCM and a camera Pod for Nuvla.</summary>
    public const string TwoComponents = """
        name: video-app
        description: a streamer and a camera
        components:
          - name: streamer
            type: kubernetes
            manifests:
              - name: streamer
            requirements: {cpu: 500m, memory: 512Mi}
            targets:
              cluster_name: cluster1
              orchestrator: ocm
          - name: camera
            type: kubernetes
            manifests:
              - name: mjpeg
            targets:
              - cluster_name: nuvlabox/55c7
                node_name: rpi-5
                orchestrator: nuvla
        manifests:
          - apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: streamer
              namespace: demo
            spec:
              replicas: 1
              template:
                spec:
                  containers:
                    - name: web
                      image: nginx
                      resources:
                        requests: {cpu: 500m, memory: 256Mi}
                        limits: {cpu: "1", memory: 512Mi}
          - apiVersion: v1
            kind: Pod
            metadata:
              name: mjpeg
            spec:
              containers:
                - name: cam
                  image: cam2ip
        """;
}
