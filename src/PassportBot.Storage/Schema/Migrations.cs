using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Schema;

/// <summary>One schema version. Its steps must be safe to repeat: MySQL cannot roll DDL back, so a version
/// interrupted there is completed by running it again (the version is recorded only after its last step).</summary>
internal sealed record Migration(int Version, string Description, Func<SqlDialect, IEnumerable<SchemaStep>> Steps);

/// <summary>The schema's history. Append new versions; never edit one that has shipped.</summary>
internal static class Migrations
{
    public const string VersionTable = "schema_version";

    public static TableSpec VersionTableSpec { get; } = new(VersionTable,
        [new("version", ColumnType.Int), new("description", ColumnType.ShortText), new("applied_at", ColumnType.BigInt)],
        ["version"], []);

    private static readonly TableSpec[] InitialSchema =
    [
        new("users",
            [
                new("chat_id", ColumnType.BigInt), new("language", ColumnType.ShortText), new("active", ColumnType.Int),
                new("deactivated_reason", ColumnType.LongText, Nullable: true),
                new("created_at", ColumnType.BigInt), new("updated_at", ColumnType.BigInt),
            ],
            ["chat_id"], []),
        new("subscriptions",
            [new("chat_id", ColumnType.BigInt), new("province", ColumnType.ShortText), new("created_at", ColumnType.BigInt)],
            ["chat_id", "province"],
            [new("ix_subscriptions_province", "province")]),
        new("offices",
            [
                new("id", ColumnType.Int), new("code", ColumnType.ShortText), new("name", ColumnType.LongText),
                new("address", ColumnType.LongText), new("city", ColumnType.LongText), new("province", ColumnType.ShortText),
                new("bookable_from", ColumnType.ShortText),
                new("latitude", ColumnType.Double, Nullable: true), new("longitude", ColumnType.Double, Nullable: true),
                new("updated_at", ColumnType.BigInt),
            ],
            ["id"],
            [new("ix_offices_province", "province")]),
        new("slots",
            [
                new("office_id", ColumnType.Int), new("date", ColumnType.ShortText), new("time", ColumnType.ShortText),
                new("province", ColumnType.ShortText), new("places", ColumnType.Int), new("max_places", ColumnType.Int),
                new("first_seen", ColumnType.BigInt), new("last_seen", ColumnType.BigInt),
                new("announced_at", ColumnType.BigInt, Nullable: true), new("gone_at", ColumnType.BigInt, Nullable: true),
                new("missed_polls", ColumnType.Int),
            ],
            ["office_id", "date", "time"],
            [new("ix_slots_province_gone", "province", "gone_at")]),
        new("slot_places",
            [
                new("office_id", ColumnType.Int), new("date", ColumnType.ShortText), new("time", ColumnType.ShortText),
                new("at", ColumnType.BigInt), new("places", ColumnType.Int),
            ],
            [],
            [new("ix_slot_places_slot", "office_id", "date", "time", "at")]),
        new("outbox",
            [
                new("id", ColumnType.Identity), new("queue", ColumnType.ShortText), new("payload", ColumnType.LongText),
                new("created_at", ColumnType.BigInt), new("claimed_by", ColumnType.ShortText, Nullable: true),
                new("claimed_until", ColumnType.BigInt, Nullable: true),
            ],
            [],
            []),
        new("settings",
            [new("key", ColumnType.ShortText), new("value", ColumnType.LongText), new("updated_at", ColumnType.BigInt)],
            ["key"], []),
        new("leases",
            [new("name", ColumnType.ShortText), new("owner", ColumnType.ShortText), new("expires_at", ColumnType.BigInt)],
            ["name"], []),
        new("province_locks",
            [new("province", ColumnType.ShortText)],
            ["province"], []),
    ];

    // Users' filters are nullable (null = no restriction); notify_gone is off for everybody who joined before it.
    // office_codes: comma-separated agenda office codes, null = every office of the province.
    private static readonly SchemaStep[] FiltersSchema =
    [
        new AddColumnStep("users", new("filter_before", ColumnType.ShortText, Nullable: true)),
        new AddColumnStep("users", new("filter_within_days", ColumnType.Int, Nullable: true)),
        new AddColumnStep("users", new("filter_min_places", ColumnType.Int, Nullable: true)),
        new AddColumnStep("users", new("filter_days", ColumnType.Int, Nullable: true)),
        new AddColumnStep("users", new("quiet_from", ColumnType.Int, Nullable: true)),
        new AddColumnStep("users", new("quiet_to", ColumnType.Int, Nullable: true)),
        new AddColumnStep("users", new("notify_gone", ColumnType.Int, Default: "0")),
        new AddColumnStep("subscriptions", new("office_codes", ColumnType.LongText, Nullable: true)),
    ];

    private static readonly TableSpec[] DeliveryTables =
    [
        // The in-process bus's queues (embedded mode), so a crash does not lose what they held.
        new("bus_messages",
            [
                new("id", ColumnType.Identity), new("queue", ColumnType.ShortText), new("body", ColumnType.LongText),
                new("attempts", ColumnType.Int), new("deliveries", ColumnType.Int), new("available_at", ColumnType.BigInt),
                new("dead_reason", ColumnType.LongText, Nullable: true), new("dead_at", ColumnType.BigInt, Nullable: true),
                new("created_at", ColumnType.BigInt),
            ],
            [],
            []),
        // Ids of messages the dispatcher has sent, so a redelivered copy is not sent again.
        new("sent_messages",
            [new("message_id", ColumnType.ShortText), new("sent_at", ColumnType.BigInt)],
            ["message_id"],
            [new("ix_sent_messages_sent_at", "sent_at")]),
    ];

    // What a poll decided to tell a province's subscribers, expanded into outbox rows after the poll's commit,
    // chunk by chunk: cursor_* is the last subscriber written (in the job's order), claimed_* the expanding process's lease.
    private static readonly TableSpec[] FanOutTables =
    [
        new("fanout_jobs",
            [
                new("id", ColumnType.ShortText), new("province", ColumnType.ShortText), new("payload", ColumnType.LongText),
                new("created_at", ColumnType.BigInt),
                new("cursor_key", ColumnType.BigInt, Nullable: true), new("cursor_chat", ColumnType.BigInt, Nullable: true),
                new("claimed_by", ColumnType.ShortText, Nullable: true), new("claimed_until", ColumnType.BigInt, Nullable: true),
            ],
            ["id"],
            [new("ix_fanout_jobs_created_at", "created_at")]),
    ];

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "users, subscriptions, offices, slots, outbox, settings, leases",
            d => InitialSchema.SelectMany(d.CreateTable).Select(sql => new SqlStep(sql))),
        new(2, "per-user slot filters, per-subscription office restriction", _ => FiltersSchema),
        new(3, "bus_messages (embedded bus journal), sent_messages (idempotent dispatch)",
            d => DeliveryTables.SelectMany(d.CreateTable).Select(sql => new SqlStep(sql))),
        new(4, "fanout_jobs (fan-out expanded after the poll's commit, resumable)",
            d => FanOutTables.SelectMany(d.CreateTable).Select(sql => new SqlStep(sql))),
    ];

    public static int Latest => All[^1].Version;
}
