using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using LiteDB;
using static ScheduleSearch.Storage.LiteDb.LiteDbDocuments;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>Reference arrays (LiteDB file storage) and model records.</summary>
public sealed partial class LiteDbScoreStore
{
    /// <inheritdoc />
    public bool AddReference(ReferenceArray reference, CancellationToken cancellationToken = default)
    {
        SearchStatusRule.CheckReference(reference);
        var bytes = ToBytes(reference.Data.AsSpan());
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        cancellationToken.ThrowIfCancellationRequested();
        return Write(db =>
        {
            var storage = db.GetStorage<string>(ReferenceFiles, ReferenceChunks);
            if (storage.Exists(reference.Name))
            {
                return false;
            }

            using var stream = new MemoryStream(bytes, writable: false);
            storage.Upload(reference.Name, reference.Name + ".f64", stream, ReferenceMetadata(reference, sha));
            return true;
        });
    }

    /// <inheritdoc />
    public ReferenceArray? GetReference(string name, CancellationToken cancellationToken = default) =>
        Read((db, _) => ReadReference(db, DatabasePath, name, cancellationToken));

    /// <summary>Reads a reference and checks its length and SHA-256; damage becomes a <see cref="ScoreStoreException"/> naming it.</summary>
    internal static ReferenceArray? ReadReference(LiteDatabase db, string path, string name, CancellationToken cancellationToken)
    {
        var storage = db.GetStorage<string>(ReferenceFiles, ReferenceChunks);
        var file = storage.FindById(name);
        if (file is null)
        {
            return null;
        }

        try
        {
            var metadata = file.Metadata;
            var count = metadata["count"].AsInt32;
            var bytes = new byte[checked(count * sizeof(double))];
            using var stream = file.OpenRead();
            var read = 0;
            while (read < bytes.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            if (read != bytes.Length || stream.ReadByte() != -1)
            {
                throw Unreadable(path, name, string.Create(CultureInfo.InvariantCulture, $"its data holds {(read == bytes.Length ? "more than" : read)} bytes, {bytes.Length} expected"));
            }

            if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != metadata["sha256"].AsString)
            {
                throw Unreadable(path, name, "its data does not match the SHA-256 stored with it");
            }

            return new ReferenceArray
            {
                Name = name,
                Shape = Shape(metadata),
                Data = ImmutableArray.Create(MemoryMarshal.Cast<byte, double>(bytes)),
                Accuracy = metadata["accuracy"].IsNull ? null : metadata["accuracy"].AsDouble,
                Created = Time(metadata["created"]),
                DescriptionJson = metadata["description"].IsNull ? null : metadata["description"].AsString,
            };
        }
        catch (Exception ex) when (ex is LiteException or InvalidCastException or NullReferenceException or IOException or OverflowException or KeyNotFoundException)
        {
            throw Unreadable(path, name, ex.Message, ex);
        }
    }

    /// <inheritdoc />
    public void SaveModel(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Write(db => db.GetCollection(Models).Upsert(ToDocument(model)));
    }

    /// <inheritdoc />
    public ModelRecord? GetModel(string contentHash) => Read((db, _) =>
        db.GetCollection(Models).FindById(contentHash) is { } doc ? ToModel(doc) : null);

    /// <inheritdoc />
    public IReadOnlyList<ModelRecord> ListModels() => Read((db, _) =>
        (IReadOnlyList<ModelRecord>)[.. db.GetCollection(Models).FindAll().Select(ToModel)]);

    private static ScoreStoreException Unreadable(string path, string name, string why, Exception? inner = null) =>
        new($"reference '{name}' in {path} is unreadable: {why}; {LiteDbBackup.Remedy(path)}, or recompute the reference into a new database", inner ?? new InvalidDataException(why));
}
