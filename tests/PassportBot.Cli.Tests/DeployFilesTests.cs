using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace PassportBot.Cli.Tests;

/// <summary>Static checks of deploy/: the Kubernetes kustomization rendered the way <c>kubectl kustomize</c> collects
/// its resources, the Compose files with their anchors merged, and the rules they must keep (secrets per role,
/// default-deny network, no service account token, pinned images, hardened containers).</summary>
public sealed partial class DeployFilesTests
{
    private static readonly string Deploy = Path.Combine(FindRepositoryRoot(), "deploy");
    private static readonly string[] Roles = ["poller", "bot", "user-handler", "avail-handler", "dispatcher", "web"];

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PassportBot.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (PassportBot.slnx) not found above " + AppContext.BaseDirectory);
    }

    private static List<object?> Load(string path)
    {
        var deserializer = new DeserializerBuilder().Build();
        using var reader = new StreamReader(path);
        var parser = new MergingParser(new Parser(reader));
        var documents = new List<object?>();
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
            documents.Add(deserializer.Deserialize<object?>(parser));
        return documents;
    }

    /// <summary>The resources of a kustomization, recursively (files, and folders holding a kustomization.yaml).</summary>
    private static List<(string File, Dictionary<object, object> Resource)> Render(string folder)
    {
        var kustomization = Map(Assert.Single(Load(Path.Combine(folder, "kustomization.yaml"))));
        var rendered = new List<(string, Dictionary<object, object>)>();
        foreach (var entry in List(kustomization["resources"]).Cast<string>())
        {
            var path = Path.Combine(folder, entry);
            if (Directory.Exists(path)) rendered.AddRange(Render(path));
            else rendered.AddRange(Load(path).Where(d => d is not null).Select(d => (path, Map(d))));
        }
        return rendered;
    }

    private static List<(string File, Dictionary<object, object> Resource)> Kubernetes() => Render(Path.Combine(Deploy, "k8s"));

    private static Dictionary<object, object> Map(object? node) => Assert.IsType<Dictionary<object, object>>(node);

    private static List<object> List(object? node) => Assert.IsType<List<object>>(node);

    private static object? At(object? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not Dictionary<object, object> map || !map.TryGetValue(key, out node)) return null;
        }
        return node;
    }

    private static string Name(Dictionary<object, object> resource) => (string)At(resource, "metadata", "name")!;

    private static IEnumerable<(Dictionary<object, object> Resource, Dictionary<object, object> PodSpec)> Workloads() =>
        Kubernetes().Select(r => r.Resource)
            .Where(r => (string)r["kind"] is "Deployment" or "StatefulSet" or "Job")
            .Select(r => (r, Map(At(r, "spec", "template", "spec"))));

    private static IEnumerable<Dictionary<object, object>> Containers(Dictionary<object, object> podSpec) =>
        List(podSpec["containers"]).Select(Map).Concat((podSpec.GetValueOrDefault("initContainers") as List<object> ?? []).Select(Map));

    [Fact]
    public void Every_kubernetes_resource_renders_with_kind_api_version_and_name()
    {
        var resources = Kubernetes();

        Assert.NotEmpty(resources);
        Assert.All(resources, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Resource.GetValueOrDefault("apiVersion") as string), r.File);
            Assert.False(string.IsNullOrWhiteSpace(r.Resource.GetValueOrDefault("kind") as string), r.File);
            Assert.Matches(DnsName(), Name(r.Resource));
        });
        Assert.Equal(resources.Count, resources.Select(r => $"{r.Resource["kind"]}/{Name(r.Resource)}").Distinct().Count());
        foreach (var role in Roles)
            Assert.Contains(resources, r => (string)r.Resource["kind"] == "Deployment" && Name(r.Resource) == "passportbot-" + role);
    }

    [Fact]
    public void The_kustomization_creates_no_secret_and_no_placeholder_password()
    {
        var resources = Kubernetes();

        Assert.DoesNotContain(resources, r => (string)r.Resource["kind"] == "Secret");
        Assert.DoesNotContain(resources, r => r.File.EndsWith("secret.example.yaml", StringComparison.Ordinal));
        Assert.All(resources.Select(r => r.File).Distinct(), f => Assert.DoesNotContain("REPLACE_ME", File.ReadAllText(f), StringComparison.Ordinal));
        var images = Map(List(Map(Assert.Single(Load(Path.Combine(Deploy, "k8s", "kustomization.yaml"))))["images"]).Single());
        Assert.True(images.ContainsKey("digest") || FullVersion().IsMatch(":" + (string)images["newTag"]), "the passportbot image must be pinned");
    }

    [Fact]
    public void Each_role_gets_only_its_secrets()
    {
        var secrets = Workloads()
            .Where(w => At(w.Resource, "spec", "template", "metadata", "labels") is Dictionary<object, object> labels && labels.GetValueOrDefault("app.kubernetes.io/name") as string == "passportbot")
            .ToDictionary(w => (string)At(w.Resource, "spec", "template", "metadata", "labels", "app.kubernetes.io/component")!, w => SecretsOf(w.PodSpec));

        Assert.Equal(Roles.Append("migrate").Order(), secrets.Keys.Order());
        foreach (var (role, names) in secrets)
        {
            Assert.Equal(role is "bot" or "dispatcher", names.Contains("passportbot-telegram"));
            Assert.Equal(role == "poller", names.Contains("passportbot-agenda-tokens"));
            Assert.Contains("passportbot-storage", names);
            Assert.Equal(role != "migrate", names.Contains("passportbot-bus"));
            Assert.DoesNotContain(names, n => n is "passportbot-mariadb" or "passportbot-rabbitmq" or "passportbot-secrets");
        }
    }

    private static HashSet<string> SecretsOf(Dictionary<object, object> podSpec)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in Containers(podSpec))
        {
            foreach (var source in (container.GetValueOrDefault("envFrom") as List<object> ?? []).Select(Map))
                if (At(source, "secretRef", "name") is string name) names.Add(name);
            foreach (var env in (container.GetValueOrDefault("env") as List<object> ?? []).Select(Map))
                if (At(env, "valueFrom", "secretKeyRef", "name") is string name) names.Add(name);
        }
        foreach (var volume in (podSpec.GetValueOrDefault("volumes") as List<object> ?? []).Select(Map))
            if (At(volume, "secret", "secretName") is string name) names.Add(name);
        return names;
    }

    [Fact]
    public void No_pod_mounts_a_service_account_token_and_every_image_is_pinned()
    {
        Assert.All(Workloads(), w =>
        {
            Assert.True(w.PodSpec.GetValueOrDefault("automountServiceAccountToken") is "false", $"{Name(w.Resource)}: automountServiceAccountToken must be false");
            foreach (var container in Containers(w.PodSpec))
            {
                var image = (string)container["image"];
                Assert.True(image == "passportbot" || FullVersion().IsMatch(image), $"{Name(w.Resource)}: image '{image}' is not pinned to a full version or digest");
                Assert.NotNull(At(container, "resources", "limits", "memory"));
            }
        });
    }

    [Fact]
    public void The_network_is_denied_by_default_and_each_need_is_allowed()
    {
        var policies = Kubernetes().Select(r => r.Resource).Where(r => (string)r["kind"] == "NetworkPolicy").ToList();

        var deny = Assert.Single(policies, p => Map(At(p, "spec", "podSelector")).Count == 0 && At(p, "spec", "ingress") is null && At(p, "spec", "egress") is null);
        Assert.Equal(["Egress", "Ingress"], List(At(deny, "spec", "policyTypes")).Cast<string>().Order());
        // Only the web role accepts connections from outside; only the poller, bot and dispatcher reach the internet.
        var internet = Assert.Single(policies, p => (At(p, "spec", "egress") as List<object> ?? []).Any(e => (At(e, "to") as List<object> ?? []).Any(t => At(t, "ipBlock") is not null)));
        var selected = List(At(internet, "spec", "podSelector", "matchExpressions")).Select(Map).Single(m => (string)m["key"] == "app.kubernetes.io/component");
        Assert.Equal(["bot", "dispatcher", "poller"], List(selected["values"]).Cast<string>().Order());
        Assert.Contains(policies, p => At(p, "spec", "podSelector", "matchLabels", "app.kubernetes.io/component") as string == "mariadb");
        Assert.Contains(policies, p => At(p, "spec", "podSelector", "matchLabels", "app.kubernetes.io/component") as string == "rabbitmq");
        Assert.Contains(policies, p => At(p, "spec", "podSelector", "matchLabels", "app.kubernetes.io/component") as string == "web");
    }

    [Theory]
    [InlineData("compose.yaml")]
    [InlineData("compose.scale.yaml")]
    public void Compose_services_are_hardened_and_pinned(string file)
    {
        var services = Map(Map(Assert.Single(Load(Path.Combine(Deploy, file))))["services"]);

        Assert.All(services, entry =>
        {
            var (name, service) = ((string)entry.Key, Map(entry.Value));
            Assert.True(service.ContainsKey("mem_limit"), $"{name}: no mem_limit");
            Assert.Contains("no-new-privileges:true", List(service.GetValueOrDefault("security_opt")).Cast<string>());
            var image = (string)service["image"];
            Assert.True(image.Contains("PASSPORTBOT_IMAGE", StringComparison.Ordinal) || FullVersion().IsMatch(image), $"{name}: image '{image}' is not pinned");
            if (name is "rabbitmq" or "mariadb") return;
            Assert.Equal("true", service["read_only"]);
            Assert.Equal(["ALL"], List(service["cap_drop"]).Cast<string>());
        });
    }

    [Fact]
    public void The_application_does_not_log_in_to_RabbitMQ_as_its_administrator()
    {
        var compose = Map(Assert.Single(Load(Path.Combine(Deploy, "compose.scale.yaml"))));
        var services = Map(compose["services"]);
        var admin = (string)Map(Map(services["rabbitmq"])["environment"])["RABBITMQ_DEFAULT_USER"];
        var bus = (string)Map(Map(services["poller"])["environment"])["PASSPORTBOT_Bus__ConnectionString"];

        Assert.StartsWith("amqp://passportbot:", bus, StringComparison.Ordinal);
        Assert.NotEqual("passportbot", admin);
        Assert.Contains("\\\"tags\\\":\\\"\\\"", string.Join("\n", List(Map(services["rabbitmq-app-user"])["command"]).Cast<string>()), StringComparison.Ordinal);
    }

    [Fact]
    public void The_dockerfile_base_images_are_pinned()
    {
        var from = File.ReadAllLines(Path.Combine(Deploy, "Dockerfile")).Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(from);
        Assert.All(from, l => Assert.Matches(FullVersion(), l.Split(' ')[1]));
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsName();

    /// <summary>An image reference ending in a full version (x.y.z, optionally with a suffix) or a digest.</summary>
    [GeneratedRegex(@"(:\d+\.\d+\.\d+([-.][\w.]+)?$)|(@sha256:[0-9a-f]{64}$)")]
    private static partial Regex FullVersion();
}
