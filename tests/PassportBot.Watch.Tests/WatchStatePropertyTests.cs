using System.Text;
using CsCheck;
using PassportBot.Watch.State;

namespace PassportBot.Watch.Tests;

/// <summary>The state file is the user's to edit or break: loading any content gives a state (set aside when unusable),
/// never an exception that ends the watch.</summary>
public sealed class WatchStatePropertyTests
{
    private const string Valid = """
        {"version":1,"savedAt":"2026-12-01T09:00:00+00:00",
         "offices":[{"id":517,"code":"TOPQ60","name":"Questura di Torino","address":"Piazza Cesare Augusto, 5","city":"TORINO","province":"TO","bookableFrom":"09:00"}],
         "slots":[{"key":"517|2026-12-19|17:00","province":"TO","places":1,"maxPlaces":2,"firstSeen":"2026-12-01T08:00:00+00:00","lastSeen":"2026-12-01T09:00:00+00:00","announcedAt":"2026-12-01T08:00:00+00:00","missedPolls":0}]}
        """;

    private static readonly string[] Replacements =
        ["null", "0", "-1", "\"\"", "[]", "{}", "[null]", "true", "\"x\"", "99999999999999999999", "\"25:99\"", "\"517|2026-13-40|99:99\""];

    [Fact]
    public async Task Any_mutation_of_a_state_file_loads_or_is_set_aside_never_throws()
    {
        var values = System.Text.RegularExpressions.Regex.Matches(Valid, "(?<=:)(\"[^\"]*\"|-?\\d+|\\[|\\{|null)").Select(m => m.Index).ToArray();
        var folder = Directory.CreateTempSubdirectory("passportbot-state-prop-");
        try
        {
            var cases = 0;
            await Gen.Select(Gen.Int[0, values.Length - 1].Array[1, 3], Gen.Int[0, Replacements.Length - 1].Array[3], Gen.Int[0, Valid.Length]).SampleAsync(async (at, with, cut) =>
            {
                var text = new StringBuilder(Valid);
                foreach (var (position, i) in at.Take(1).Select((p, i) => (values[p], i)))
                {
                    var end = position;
                    var depth = 0;
                    // Replace one JSON value: a scalar up to the next ',' '}' ']', or a whole array/object.
                    do
                    {
                        var c = Valid[end];
                        if (c is '[' or '{') depth++;
                        else if (c is ']' or '}') depth--;
                        else if (c == '"') end = Valid.IndexOf('"', end + 1);
                        end++;
                    } while (end < Valid.Length && (depth > 0 || (Valid[end] is not (',' or '}' or ']'))));
                    text.Remove(position, end - position).Insert(position, Replacements[with[i % with.Length]]);
                }
                var content = cut % 7 == 0 ? text.ToString()[..Math.Min(cut, text.Length)] : text.ToString();
                var path = Path.Combine(folder.FullName, $"state-{Interlocked.Increment(ref cases)}.json");
                await File.WriteAllTextAsync(path, content);
                var load = await new WatchStateStore(path).LoadAsync(CancellationToken.None);
                Assert.NotNull(load.State);
            }, iter: 3_000, threads: 1);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_state_file_is_created_private_in_a_private_folder()
    {
        if (OperatingSystem.IsWindows()) return;
        var folder = Directory.CreateTempSubdirectory("passportbot-state-perm-");
        try
        {
            var path = Path.Combine(folder.FullName, "new", "watch-state.json");
            var store = new WatchStateStore(path);
            using (store.Claim())
                await store.SaveAsync(PassportBot.Watch.Tracking.WatchState.Empty, DateTimeOffset.UnixEpoch, CancellationToken.None);

            const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Assert.Equal(owner, File.GetUnixFileMode(path));
            Assert.Equal(owner, File.GetUnixFileMode(path + ".lock"));
            Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("""{"version":1,"savedAt":"2026-12-01T09:00:00+00:00","offices":[null],"slots":[]}""")]
    [InlineData("""{"version":1,"savedAt":"2026-12-01T09:00:00+00:00","offices":[],"slots":[null]}""")]
    [InlineData("""{"version":1,"savedAt":"2026-12-01T09:00:00+00:00","offices":null,"slots":null}""")]
    [InlineData("null")]
    public async Task A_state_file_with_null_entries_is_set_aside_not_a_crash(string content)
    {
        var folder = Directory.CreateTempSubdirectory("passportbot-state-null-");
        try
        {
            var path = Path.Combine(folder.FullName, "watch-state.json");
            await File.WriteAllTextAsync(path, content);
            var load = await new WatchStateStore(path).LoadAsync(CancellationToken.None);
            Assert.Empty(load.State.Slots);
            Assert.NotNull(load.Problem);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
