namespace PassportBot.Telegram.Sending;

/// <summary>Limits the dispatcher applies before each send.</summary>
/// <param name="MessagesPerSecond">Global rate; null = no global limit.</param>
/// <param name="Burst">Tokens the global bucket holds: small, so no one-second window exceeds the rate by much.</param>
public sealed record SendRateLimits(double? MessagesPerSecond, int Burst, TimeSpan PrivateChatInterval, TimeSpan GroupChatInterval)
{
    /// <summary>Limits for a global rate (null = none): the bucket holds a tenth of a second's messages.</summary>
    public static SendRateLimits For(double? messagesPerSecond, TimeSpan privateChatInterval, int groupMessagesPerMinute) =>
        new(messagesPerSecond,
            Burst: messagesPerSecond is { } r ? Math.Max(1, (int)(r / 10)) : 1,
            privateChatInterval,
            TimeSpan.FromMinutes(1) / Math.Max(1, groupMessagesPerMinute));
}

/// <summary>
/// Gate in front of every send: a token bucket for the bot's global rate, spacing per chat (private chats
/// and groups, groups being negative ids) and a global pause that a 429 sets. Waiting is on the injected
/// <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
public sealed class SendRateLimiter(SendRateLimits limits, TimeProvider time)
{
    private const int MinPruneThreshold = 4096;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, ChatSlot> _chats = [];
    private readonly double _burst = Math.Max(1, limits.Burst);
    private double _tokens = Math.Max(1, limits.Burst);
    private DateTimeOffset _lastRefill = time.GetUtcNow();
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private int _pruneThreshold = MinPruneThreshold;
    // Actual grant times of the last second: token reservations are spaced when made, but timers that fire late
    // (a loaded machine, a GC pause, the end of a 429 pause) would release them together.
    private readonly Queue<DateTimeOffset> _recentGrants = new();

    public SendRateLimits Limits => limits;

    /// <summary>When sending resumes after a 429; null when not paused.</summary>
    public DateTimeOffset? PausedUntil
    {
        get
        {
            lock (_lock) return _pausedUntil > time.GetUtcNow() ? _pausedUntil : null;
        }
    }

    /// <summary>Chats with a spacing entry (for tests and metrics).</summary>
    public int TrackedChats
    {
        get
        {
            lock (_lock) return _chats.Count;
        }
    }

    /// <summary>Stops every send for <paramref name="duration"/> from now (never shortens a longer pause).</summary>
    public void Pause(TimeSpan duration)
    {
        var until = time.GetUtcNow() + duration;
        lock (_lock)
        {
            if (until > _pausedUntil) _pausedUntil = until;
        }
    }

    /// <summary>Returns when a message to <paramref name="chatId"/> may be sent now.</summary>
    public ValueTask WaitAsync(long chatId, CancellationToken cancellationToken) =>
        WaitAsync(chatId, Interval(chatId), null, cancellationToken);

    /// <summary>Returns when a post to a channel (keyed by <paramref name="channelKey"/>) may be sent now: spaced like a
    /// private chat, and no more than <paramref name="postsPerMinute"/> in any minute. Posts are merged upstream to
    /// stay within that budget, so waiting here is the exception.</summary>
    public ValueTask WaitForChannelAsync(long channelKey, int postsPerMinute, CancellationToken cancellationToken) =>
        WaitAsync(channelKey, limits.PrivateChatInterval, Math.Max(1, postsPerMinute), cancellationToken);

    private async ValueTask WaitAsync(long chatId, TimeSpan interval, int? perMinute, CancellationToken cancellationToken)
    {
        var slot = RentSlot(chatId);
        try
        {
            // One waiter per chat at a time: the chat's spacing counts from the previous actual permit.
            await EnterAsync(slot, cancellationToken);
            try
            {
                await DelayUntilAsync(() => slot.NextAllowed, cancellationToken);
                if (perMinute is { } cap) await DelayUntilAsync(() => MinuteWindowOpensAt(slot, cap), cancellationToken);
                do
                {
                    await DelayUntilAsync(() => _pausedUntil, cancellationToken);
                    await TakeTokenAsync(cancellationToken);
                    await TakeWindowSlotAsync(cancellationToken);
                }
                while (IsPaused()); // a 429 arrived while we queued for the token: wait it out, queue again
                lock (_lock)
                {
                    var now = time.GetUtcNow();
                    slot.NextAllowed = now + interval;
                    if (perMinute is not null) slot.RecentPosts.Enqueue(now);
                }
            }
            finally
            {
                Exit(slot);
            }
        }
        finally
        {
            ReturnSlot(chatId, slot);
        }
    }

    /// <summary>When the chat's sliding minute has room for one more post (now, or when its oldest post leaves it).</summary>
    private DateTimeOffset MinuteWindowOpensAt(ChatSlot slot, int perMinute)
    {
        var now = time.GetUtcNow();
        while (slot.RecentPosts.Count > 0 && slot.RecentPosts.Peek() <= now - Minute) slot.RecentPosts.Dequeue();
        return slot.RecentPosts.Count < perMinute ? now : slot.RecentPosts.Peek() + Minute;
    }

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>Nothing waits on the slot and it no longer limits anything: it can be forgotten.</summary>
    private static bool Idle(ChatSlot slot, DateTimeOffset now) =>
        slot.Users == 0 && slot.NextAllowed <= now && (slot.RecentPosts.Count == 0 || slot.RecentPosts.Last() <= now - Minute);

    private TimeSpan Interval(long chatId) => chatId < 0 ? limits.GroupChatInterval : limits.PrivateChatInterval;

    private bool IsPaused()
    {
        lock (_lock) return _pausedUntil > time.GetUtcNow();
    }

    private async ValueTask TakeTokenAsync(CancellationToken cancellationToken)
    {
        if (limits.MessagesPerSecond is not { } rate) return;
        TimeSpan wait;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            _tokens = Math.Min(_burst, _tokens + (now - _lastRefill).TotalSeconds * rate);
            _lastRefill = now;
            _tokens -= 1; // a negative balance is a reservation: later callers queue behind it
            wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / rate);
        }
        if (wait <= TimeSpan.Zero) return;
        try
        {
            await Task.Delay(wait, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lock (_lock) _tokens += 1;
            throw;
        }
    }

    /// <summary>Caps the grants of any one-second window at rate + burst, measured when they are actually given.</summary>
    private async ValueTask TakeWindowSlotAsync(CancellationToken cancellationToken)
    {
        if (limits.MessagesPerSecond is not { } rate) return;
        var cap = Math.Max(1, (int)Math.Floor(rate) + (int)_burst);
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = time.GetUtcNow();
                while (_recentGrants.Count > 0 && _recentGrants.Peek() <= now - TimeSpan.FromSeconds(1)) _recentGrants.Dequeue();
                if (_recentGrants.Count < cap)
                {
                    _recentGrants.Enqueue(now);
                    return;
                }
                wait = _recentGrants.Peek() + TimeSpan.FromSeconds(1) - now;
            }
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), time, cancellationToken);
        }
    }

    private async ValueTask DelayUntilAsync(Func<DateTimeOffset> deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_lock) wait = deadline() - time.GetUtcNow();
            if (wait <= TimeSpan.Zero) return;
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private Task EnterAsync(ChatSlot slot, CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (!slot.Held)
            {
                slot.Held = true;
                return Task.CompletedTask;
            }
            // Continuations run inline on release: the next waiter takes its turn at once, which also keeps
            // the limiter deterministic under a fake clock.
            node = slot.Waiters.AddLast(new TaskCompletionSource());
        }
        if (!cancellationToken.CanBeCanceled) return node.Value.Task;
        var registration = cancellationToken.Register(() =>
        {
            bool removed;
            lock (_lock)
            {
                removed = node.List is not null;
                if (removed) slot.Waiters.Remove(node);
            }
            if (removed) node.Value.TrySetCanceled(cancellationToken);
        });
        return node.Value.Task.ContinueWith(
            t => { registration.Dispose(); return t; },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
    }

    private void Exit(ChatSlot slot)
    {
        TaskCompletionSource? next = null;
        lock (_lock)
        {
            if (slot.Waiters.First is { } first)
            {
                slot.Waiters.RemoveFirst();
                next = first.Value;
            }
            else
            {
                slot.Held = false;
            }
        }
        next?.TrySetResult();
    }

    private ChatSlot RentSlot(long chatId)
    {
        lock (_lock)
        {
            if (!_chats.TryGetValue(chatId, out var slot))
            {
                if (_chats.Count >= _pruneThreshold) Prune();
                slot = new ChatSlot();
                _chats[chatId] = slot;
            }
            slot.Users++;
            return slot;
        }
    }

    private void ReturnSlot(long chatId, ChatSlot slot)
    {
        lock (_lock)
        {
            slot.Users--;
            if (Idle(slot, time.GetUtcNow())) _chats.Remove(chatId);
        }
    }

    // Entries whose spacing has elapsed carry no information; drop them so memory follows active chats only.
    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (chatId, slot) in _chats)
        {
            if (Idle(slot, now)) _chats.Remove(chatId);
        }
        _pruneThreshold = Math.Max(MinPruneThreshold, _chats.Count * 2);
    }

    private sealed class ChatSlot
    {
        public LinkedList<TaskCompletionSource> Waiters { get; } = new();
        public bool Held { get; set; }
        public DateTimeOffset NextAllowed { get; set; } = DateTimeOffset.MinValue;
        public int Users { get; set; }
        /// <summary>Channels only: when the posts of the last minute were let through.</summary>
        public Queue<DateTimeOffset> RecentPosts { get; } = new();
    }
}
