namespace ScheduleSearch.Storage;

/// <summary>
/// Where teacher references are kept (the narrow port of <see cref="IScoreStore"/> that scoring needs); the contract
/// is <see cref="IScoreStore"/>'s: a reference, once stored, never changes.
/// </summary>
public interface IReferenceStore
{
    /// <summary>Stores a reference with its data in one transaction; returns false (and keeps the stored one) when the name exists.</summary>
    bool AddReference(ReferenceArray reference, CancellationToken cancellationToken = default);

    /// <summary>The reference with this name, or null; throws <see cref="ScoreStoreException"/> when its data cannot be read back intact.</summary>
    ReferenceArray? GetReference(string name, CancellationToken cancellationToken = default);
}
