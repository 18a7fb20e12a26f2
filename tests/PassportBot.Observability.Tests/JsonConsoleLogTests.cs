using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using PassportBot.Cli;

namespace PassportBot.Observability.Tests;

/// <summary><c>Logging:Console:FormatterName=json</c> is honoured: one JSON object per line.</summary>
public sealed class JsonConsoleLogTests
{
    [Theory]
    [InlineData(null, "simple")]
    [InlineData("json", "json")]
    [InlineData("systemd", "systemd")]
    public void The_configured_formatter_is_the_one_used(string? configured, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = configured };
        var builder = PassportBotHost.CreateBuilder([], settings);
        using var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        Assert.Equal(expected, options.FormatterName);
        Assert.True(app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.SingleLine);
    }

    [Fact]
    public async Task The_executable_writes_one_json_object_per_line()
    {
        var folder = Directory.CreateTempSubdirectory("passportbot-json-log-").FullName;
        try
        {
            var info = new ProcessStartInfo(DotnetHost())
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(PassportbotDll());
            info.ArgumentList.Add("demo");
            info.ArgumentList.Add("--Web:Urls=http://127.0.0.1:0");
            info.ArgumentList.Add("--Demo:Provinces:0=TO");
            info.Environment["PASSPORTBOT_Logging__Console__FormatterName"] = "json";
            info.Environment["PASSPORTBOT_Telegram__Token"] = "";

            var lines = new List<string>();
            using var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) lock (lines) lines.Add(line); };
            Assert.True(process.Start());
            process.BeginOutputReadLine();
            try
            {
                // The demo logs its start and then what the console chat follows.
                await Eventually.TrueAsync(() => { lock (lines) return lines.Any(l => l.Contains("Demo:", StringComparison.Ordinal)); },
                    TimeSpan.FromSeconds(60), "the demo's start-up log lines");
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            List<string> logged;
            lock (lines) logged = [.. lines];
            // Without a token the demo prints the Telegram messages themselves as text; every log line is JSON.
            var logLines = logged.Where(l => l.StartsWith('{')).ToList();
            Assert.NotEmpty(logLines);
            Assert.All(logged.Where(l => l.Contains("\"LogLevel\"", StringComparison.Ordinal)), l => Assert.StartsWith("{", l));
            foreach (var line in logLines)
            {
                using var json = JsonDocument.Parse(line);
                Assert.True(json.RootElement.TryGetProperty("LogLevel", out _), line);
                Assert.True(json.RootElement.TryGetProperty("Category", out _), line);
                Assert.True(json.RootElement.TryGetProperty("Message", out _), line);
                Assert.True(json.RootElement.TryGetProperty("Timestamp", out _), line);
            }
            Assert.DoesNotContain(logged, l => l.Contains(" info: ", StringComparison.Ordinal) || l.StartsWith("info:", StringComparison.Ordinal));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p
        : "dotnet";

    /// <summary>src/PassportBot.Cli/bin/&lt;Configuration&gt;/&lt;TFM&gt;/passportbot.dll, built with this assembly.</summary>
    private static string PassportbotDll()
    {
        var assembly = typeof(JsonConsoleLogTests).Assembly;
        string Meta(string key) => assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "PassportBot.Cli", "bin", Meta("Configuration"), Meta("TargetFramework"), "passportbot.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("passportbot.dll not found under src/PassportBot.Cli/bin; build the solution first.");
    }
}
