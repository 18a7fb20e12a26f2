using PassportBot.Domain;

namespace PassportBot.Agenda.Simulator.World;

/// <summary>A slot of the simulated agenda: <see cref="Capacity"/> places of which <see cref="Taken"/> are booked.</summary>
public sealed record SimulatedSlot(SlotKey Key, int Capacity, int Taken)
{
    public int Free => Capacity - Taken;
}

/// <summary>What one <see cref="AgendaWorld.Evolve"/> step changed.</summary>
public sealed record EvolveReport(
    IReadOnlyList<SlotKey> Published,
    IReadOnlyList<SlotKey> Cancelled,
    IReadOnlyList<SlotKey> Booked,
    IReadOnlyList<SlotKey> Removed)
{
    public static EvolveReport Empty { get; } = new([], [], [], []);
}

/// <summary>How busy the simulated agenda is. Rates are per simulated hour, for the whole country.</summary>
public sealed class EvolutionSettings
{
    public double CancellationsPerHour { get; set; } = 30;
    public double BookingsPerHour { get; set; } = 40;
    /// <summary>Share of cancellations that happen in <see cref="PopularProvinces"/> (where people look).</summary>
    public double PopularShare { get; set; } = 0.6;
    public IReadOnlyList<string> PopularProvinces { get; set; } = ["RM", "MI", "NA", "TO", "FI", "BO"];
    /// <summary>Share of offices that publish a few extra days after an ordinary midnight.</summary>
    public double DailyPublishShare { get; set; } = 0.1;
    /// <summary>Share of offices that open a whole new month after the midnight starting a month.</summary>
    public double MonthlyPublishShare { get; set; } = 0.6;
    /// <summary>How far ahead the month opened on the 1st is.</summary>
    public int MonthsPublishedAhead { get; set; } = 2;
    /// <summary>Cancellations fall within this many days from today.</summary>
    public int CancellationHorizonDays { get; set; } = 45;
}

/// <summary>The state of the simulated agenda: offices and their slots, on a controllable clock with seeded
/// randomness, so the same seed and the same clock readings give the same history. Thread-safe.</summary>
public sealed class AgendaWorld
{
    private const int MaxDaysReplayed = 62;
    private readonly Lock gate = new();
    private readonly SortedDictionary<int, SimulatedOffice> offices;
    private readonly SortedDictionary<SlotKey, (int Capacity, int Taken)> slots = new();
    private readonly Random random;
    private DateTimeOffset lastEvolved;

    public AgendaWorld(TimeProvider time, int seed, IEnumerable<SimulatedOffice>? offices = null, EvolutionSettings? evolution = null)
    {
        Time = time;
        random = new Random(seed);
        this.offices = new SortedDictionary<int, SimulatedOffice>((offices ?? OfficeCatalog.All).ToDictionary(o => o.Id));
        Evolution = evolution ?? new EvolutionSettings();
        lastEvolved = time.GetUtcNow();
    }

    public TimeProvider Time { get; }

    public EvolutionSettings Evolution { get; }

    public DateOnly Today => RomeTime.Today(Time);

    public IReadOnlyList<SimulatedOffice> Offices { get { lock (gate) return offices.Values.ToArray(); } }

    public IReadOnlyList<SimulatedOffice> OfficesIn(string province)
    {
        lock (gate) return offices.Values.Where(o => o.Province.Equals(province, StringComparison.OrdinalIgnoreCase)).ToArray();
    }

    public SimulatedOffice? FindOffice(int officeId)
    {
        lock (gate) return offices.GetValueOrDefault(officeId);
    }

    public SimulatedOffice GetOffice(int officeId) =>
        FindOffice(officeId) ?? throw new ArgumentOutOfRangeException(nameof(officeId), officeId, "No such office in the simulator.");

    /// <summary>The first office of a province with the given code, e.g. "TOPQ60".</summary>
    public SimulatedOffice GetOffice(string code)
    {
        lock (gate)
            return offices.Values.FirstOrDefault(o => o.Code.Equals(code, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentOutOfRangeException(nameof(code), code, "No such office in the simulator.");
    }

    public void SetBookableFrom(int officeId, TimeOnly from)
    {
        lock (gate)
        {
            if (!offices.TryGetValue(officeId, out var office))
                throw new ArgumentOutOfRangeException(nameof(officeId), officeId, "No such office in the simulator.");
            offices[officeId] = office with { BookableFrom = from };
        }
    }

    /// <summary>Adds a slot with <paramref name="places"/> free places (replacing any slot at that key).
    /// Zero places is allowed: the site sometimes lists full slots.</summary>
    public SlotKey AddSlot(int officeId, DateOnly date, TimeOnly time, int places)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(places);
        GetOffice(officeId);
        var key = new SlotKey(officeId, date, new TimeOnly(time.Hour, time.Minute));
        lock (gate) slots[key] = (places, 0);
        return key;
    }

    public bool RemoveSlot(SlotKey key)
    {
        lock (gate) return slots.Remove(key);
    }

    /// <summary>Books <paramref name="count"/> places; the slot disappears when none is left. Returns the free places left.</summary>
    public int TakePlaces(SlotKey key, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (gate)
        {
            if (!slots.TryGetValue(key, out var slot)) throw new KeyNotFoundException($"No slot {key} in the simulator.");
            return Book(key, slot, count);
        }
    }

    public SimulatedSlot? FindSlot(SlotKey key)
    {
        lock (gate) return slots.TryGetValue(key, out var s) ? new SimulatedSlot(key, s.Capacity, s.Taken) : null;
    }

    public IReadOnlyList<SimulatedSlot> Slots(int? officeId = null)
    {
        lock (gate)
            return slots.Where(p => officeId is null || p.Key.OfficeId == officeId)
                .Select(p => new SimulatedSlot(p.Key, p.Value.Capacity, p.Value.Taken)).ToArray();
    }

    public IReadOnlyList<SimulatedSlot> SlotsIn(string province)
    {
        lock (gate)
            return slots.Where(p => offices.TryGetValue(p.Key.OfficeId, out var o) && o.Province.Equals(province, StringComparison.OrdinalIgnoreCase))
                .Select(p => new SimulatedSlot(p.Key, p.Value.Capacity, p.Value.Taken)).ToArray();
    }

    /// <summary>Endpoint A's first free date: the earliest slot from today with a free place.</summary>
    public DateOnly? FirstFreeDate(int officeId)
    {
        var today = Today;
        lock (gate)
        {
            foreach (var (key, slot) in slots)
            {
                if (key.OfficeId == officeId && key.Date >= today && slot.Capacity - slot.Taken > 0) return key.Date;
            }
            return null;
        }
    }

    /// <summary>Endpoint B: the slots of an office in the month holding <paramref name="month"/>.</summary>
    public IReadOnlyList<SimulatedSlot> Month(int officeId, DateOnly month)
    {
        var first = new DateOnly(month.Year, month.Month, 1);
        var from = new SlotKey(officeId, first, TimeOnly.MinValue);
        var to = new SlotKey(officeId, first.AddMonths(1), TimeOnly.MinValue);
        lock (gate)
            return slots.Where(p => p.Key.CompareTo(from) >= 0 && p.Key.CompareTo(to) < 0)
                .Select(p => new SimulatedSlot(p.Key, p.Value.Capacity, p.Value.Taken)).ToArray();
    }

    /// <summary>Fills the next <paramref name="days"/> days of the given provinces' offices with some slots
    /// (about half the offices get 1–5 slots of 1–3 places), so a demo has something to show at once.</summary>
    public int Populate(IEnumerable<string> provinces, int days = 30)
    {
        var wanted = provinces.Select(p => p.ToUpperInvariant()).ToHashSet();
        var today = Today;
        var added = 0;
        lock (gate)
        {
            foreach (var office in offices.Values.Where(o => wanted.Contains(o.Province)))
            {
                if (random.NextDouble() < 0.5) continue;
                for (var n = random.Next(1, 6); n > 0; n--)
                {
                    var key = new SlotKey(office.Id, Weekday(today.AddDays(random.Next(1, days + 1))), RandomTime());
                    if (slots.TryAdd(key, (random.Next(1, 4), 0))) added++;
                }
            }
        }
        return added;
    }

    /// <summary>Moves the agenda forward to the clock's current time: past days drop off and new ones are published
    /// after each midnight (a whole new month after the first of a month), random cancellations free places, random
    /// bookings take them. <paramref name="activity"/> scales the cancellation and booking rates (demo speed).</summary>
    public EvolveReport Evolve(double activity = 1.0)
    {
        var now = Time.GetUtcNow();
        lock (gate)
        {
            if (now <= lastEvolved) return EvolveReport.Empty;
            var previousDay = DateOnly.FromDateTime(RomeTime.ToRome(lastEvolved));
            var hours = (now - lastEvolved).TotalHours;
            lastEvolved = now;
            var today = DateOnly.FromDateTime(RomeTime.ToRome(now));

            List<SlotKey> published = [], cancelled = [], booked = [], removed = [];
            if (today > previousDay)
            {
                foreach (var key in slots.Keys.Where(k => k.Date < today).ToArray())
                {
                    slots.Remove(key);
                    removed.Add(key);
                }
                var firstDay = today.AddDays(-Math.Min(today.DayNumber - previousDay.DayNumber - 1, MaxDaysReplayed - 1));
                for (var day = firstDay; day <= today; day = day.AddDays(1)) PublishAfterMidnight(day, published);
            }

            for (var n = Sample(Evolution.CancellationsPerHour * hours * activity); n > 0; n--) Cancel(today, cancelled);
            for (var n = Sample(Evolution.BookingsPerHour * hours * activity); n > 0; n--) BookRandom(booked, removed);
            return new EvolveReport(published, cancelled, booked, removed);
        }
    }

    private void PublishAfterMidnight(DateOnly day, List<SlotKey> published)
    {
        var newMonth = day.Day == 1;
        var monthStart = new DateOnly(day.Year, day.Month, 1).AddMonths(Evolution.MonthsPublishedAhead);
        foreach (var office in offices.Values)
        {
            if (random.NextDouble() >= (newMonth ? Evolution.MonthlyPublishShare : Evolution.DailyPublishShare)) continue;
            var count = newMonth ? random.Next(2, 9) : random.Next(1, 4);
            for (var n = 0; n < count; n++)
            {
                var date = newMonth
                    ? monthStart.AddDays(random.Next(0, DateTime.DaysInMonth(monthStart.Year, monthStart.Month)))
                    : day.AddDays(random.Next(14, 61));
                var key = new SlotKey(office.Id, Weekday(date), RandomTime());
                if (slots.TryAdd(key, (random.Next(1, 4), 0))) published.Add(key);
            }
        }
    }

    private void Cancel(DateOnly today, List<SlotKey> cancelled)
    {
        var office = PickOffice();
        if (office is null) return;
        var key = new SlotKey(office.Id, Weekday(today.AddDays(random.Next(1, Evolution.CancellationHorizonDays + 1))), RandomTime());
        slots[key] = slots.TryGetValue(key, out var s) ? (s.Capacity + 1, s.Taken) : (1, 0);
        cancelled.Add(key);
    }

    private void BookRandom(List<SlotKey> booked, List<SlotKey> removed)
    {
        if (slots.Count == 0) return;
        var (key, slot) = slots.ElementAt(random.Next(slots.Count));
        if (slot.Capacity - slot.Taken <= 0) return;
        booked.Add(key);
        if (Book(key, slot, 1) == 0) removed.Add(key);
    }

    private int Book(SlotKey key, (int Capacity, int Taken) slot, int count)
    {
        var taken = Math.Min(slot.Capacity, slot.Taken + count);
        if (taken >= slot.Capacity) slots.Remove(key);
        else slots[key] = (slot.Capacity, taken);
        return slot.Capacity - taken;
    }

    private SimulatedOffice? PickOffice()
    {
        if (offices.Count == 0) return null;
        var popular = random.NextDouble() < Evolution.PopularShare;
        var pool = popular
            ? offices.Values.Where(o => Evolution.PopularProvinces.Contains(o.Province, StringComparer.OrdinalIgnoreCase)).ToArray()
            : [];
        if (pool.Length == 0) pool = offices.Values.ToArray();
        return pool[random.Next(pool.Length)];
    }

    /// <summary>Appointments run 08:00–16:45 in quarter hours.</summary>
    private TimeOnly RandomTime() => new TimeOnly(8, 0).AddMinutes(15 * random.Next(0, 36));

    private static DateOnly Weekday(DateOnly date) => date.DayOfWeek switch
    {
        DayOfWeek.Saturday => date.AddDays(2),
        DayOfWeek.Sunday => date.AddDays(1),
        _ => date,
    };

    private int Sample(double expected)
    {
        if (expected <= 0) return 0;
        var whole = (int)Math.Min(expected, 100_000);
        return whole + (random.NextDouble() < expected - whole ? 1 : 0);
    }
}
