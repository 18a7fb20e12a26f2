using System.Data.Common;
using Microsoft.Extensions.Options;

namespace PassportBot.Storage;

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (!StorageProviders.IsKnown(options.Provider))
        {
            failures.Add($"{StorageOptions.Section}:Provider '{options.Provider}' is not supported; valid values: {string.Join(", ", StorageProviders.All)}.");
        }
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{StorageOptions.Section}:ConnectionString is empty.");
        }
        else if (!IsWellFormed(options.ConnectionString))
        {
            // The value itself is not echoed: it may hold a password.
            failures.Add($"{StorageOptions.Section}:ConnectionString is not a valid connection string (expected key=value pairs separated by ';').");
        }
        if (options.RetentionDays is < 0 or > StorageOptions.MaxRetentionDays)
        {
            failures.Add($"{StorageOptions.Section}:RetentionDays must be between 0 (keep everything) and {StorageOptions.MaxRetentionDays} (got {options.RetentionDays}).");
        }
        if (options.RetentionBatchSize is < 1 or > StorageOptions.MaxRetentionBatchSize)
        {
            failures.Add($"{StorageOptions.Section}:RetentionBatchSize must be between 1 and {StorageOptions.MaxRetentionBatchSize} (got {options.RetentionBatchSize}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsWellFormed(string connectionString)
    {
        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = connectionString };
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
