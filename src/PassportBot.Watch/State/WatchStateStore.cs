using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PassportBot.Domain;
using PassportBot.Watch.Tracking;

namespace PassportBot.Watch.State;

/// <summary>Result of loading the state file. <see cref="Problem"/> says why it was not usable (then the state is empty).</summary>
public sealed record StateLoad(WatchState State, string? Problem);

/// <summary>The small JSON file that remembers which slots were announced, so a restart does not repeat them.
/// Writes are atomic (temporary file, then rename); an unreadable file is set aside, never a reason to stop.</summary>
public sealed class WatchStateStore(string path)
{
    private const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Claims the state file for this process, so two watches cannot overwrite each other's memory.
    /// Dispose the result to release it.</summary>
    /// <exception cref="WatchStateInUseException">Another process holds it.</exception>
    public IDisposable Claim()
    {
        CreateFolder(System.IO.Path.GetDirectoryName(Path)!);
        try
        {
            return new FileStream(Path + ".lock", PrivateFile(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileOptions.None, bufferSize: 1));
        }
        catch (IOException)
        {
            throw new WatchStateInUseException(
                $"Another passportbot watch is using the state file {Path}. Stop it, or give this one its own --state file.");
        }
    }

    public async Task<StateLoad> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path)) return new StateLoad(WatchState.Empty, null);
        try
        {
            await using var stream = File.OpenRead(Path);
            var document = await JsonSerializer.DeserializeAsync<StateDocument>(stream, Json, cancellationToken).ConfigureAwait(false);
            if (document is null || document.Version != CurrentVersion)
                return SetAside($"unsupported version {document?.Version.ToString(CultureInfo.InvariantCulture) ?? "(none)"}");
            return new StateLoad(document.ToState(), null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or FormatException or NotSupportedException or ArgumentException)
        {
            return SetAside("it is not a valid state file");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new StateLoad(WatchState.Empty, $"State file {Path} could not be read ({ex.GetType().Name}); starting with an empty state.");
        }
    }

    public async Task SaveAsync(WatchState state, DateTimeOffset savedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        CreateFolder(folder);
        var temp = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, PrivateFile(FileMode.CreateNew, FileAccess.Write, FileOptions.Asynchronous, bufferSize: 4096)))
            {
                await JsonSerializer.SerializeAsync(stream, StateDocument.From(state, savedAt), Json, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                // The rename must not publish a file whose bytes are still only in the page cache.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, Path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    // What was announced, with the user's filters, is nobody else's business: folder 0700, files 0600 (new ones only).
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static void CreateFolder(string folder)
    {
        if (Directory.Exists(folder)) return;
        if (OperatingSystem.IsWindows()) { Directory.CreateDirectory(folder); return; }
        // One level at a time: the mode given to CreateDirectory applies to the last folder only.
        var missing = new Stack<string>();
        for (var f = folder; !string.IsNullOrEmpty(f) && !Directory.Exists(f); f = System.IO.Path.GetDirectoryName(f)) missing.Push(f);
        while (missing.TryPop(out var level)) Directory.CreateDirectory(level, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static FileStreamOptions PrivateFile(FileMode mode, FileAccess access, FileOptions options, int bufferSize)
    {
        var o = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, Options = options, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows()) o.UnixCreateMode = OwnerOnly;
        return o;
    }

    private StateLoad SetAside(string reason)
    {
        var aside = Path + ".corrupt";
        try
        {
            File.Move(Path, aside, overwrite: true);
            return new StateLoad(WatchState.Empty, $"State file {Path} was unusable ({reason}); moved it to {aside} and started afresh.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new StateLoad(WatchState.Empty, $"State file {Path} was unusable ({reason}); it will be replaced.");
        }
    }

    private sealed record StateDocument(int Version, DateTimeOffset SavedAt, List<OfficeDocument> Offices, List<SlotDocument> Slots)
    {
        public static StateDocument From(WatchState state, DateTimeOffset savedAt) => new(
            CurrentVersion,
            savedAt,
            state.Offices.Select(o => new OfficeDocument(o.Id, o.Code, o.Name, o.Address, o.City, o.Province, o.BookableFrom.ToString("HH:mm", CultureInfo.InvariantCulture))).ToList(),
            state.Slots.Select(s => new SlotDocument(s.Key.ToString(), s.Province, s.Places, s.MaxPlaces, s.FirstSeen, s.LastSeen, s.AnnouncedAt, s.GoneAt, s.MissedPolls)).ToList());

        public WatchState ToState()
        {
            var offices = (Offices ?? throw new InvalidDataException("offices missing"))
                .Select(o => o?.ToOffice() ?? throw new InvalidDataException("office entry null")).ToArray();
            var slots = (Slots ?? throw new InvalidDataException("slots missing"))
                .Select(s => s?.ToRecord() ?? throw new InvalidDataException("slot entry null")).ToArray();
            return new WatchState(offices, slots);
        }
    }

    private sealed record OfficeDocument(int Id, string Code, string Name, string Address, string City, string Province, string BookableFrom)
    {
        public Office ToOffice()
        {
            if (Id <= 0 || Code is null || Name is null || Province is null) throw new InvalidDataException("office incomplete");
            var from = TimeOnly.ParseExact(BookableFrom ?? "00:00", "HH:mm", CultureInfo.InvariantCulture);
            return new Office(Id, Code, Name, Address ?? "", City ?? "", Province, from);
        }
    }

    private sealed record SlotDocument(string Key, string Province, int Places, int MaxPlaces, DateTimeOffset FirstSeen, DateTimeOffset LastSeen,
        DateTimeOffset? AnnouncedAt, DateTimeOffset? GoneAt, int MissedPolls)
    {
        public SlotRecord ToRecord()
        {
            if (!SlotKey.TryParse(Key, out var key) || Province is null) throw new InvalidDataException("slot key invalid");
            return new SlotRecord(key.Value, Province, Places, MaxPlaces, FirstSeen, LastSeen, AnnouncedAt, GoneAt, MissedPolls);
        }
    }
}

/// <summary>The state file is claimed by another running watch.</summary>
public sealed class WatchStateInUseException(string message) : Exception(message);
