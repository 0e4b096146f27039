using LiteDB;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>Every read and write goes through here: one transaction per write, machine errors made plain, damage named as damage.</summary>
public sealed partial class LiteDbScoreStore
{
    private static T InTransaction<T>(LiteDatabase db, Func<LiteDatabase, T> work)
    {
        db.BeginTrans();
        try
        {
            var result = work(db);
            db.Commit();
            return result;
        }
        catch (Exception ex)
        {
            try
            {
                db.Rollback();
            }
            catch (Exception rollback) when (rollback is LiteException or IOException or InvalidOperationException)
            {
                // A rollback after a refused write can fail in turn ("write lock may not be acquired ...", "discarded
                // page must be writable"); the first error is the one that says what happened.
                SilenceAbandonedTransactions(db);
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex).Throw();
            }

            throw;
        }
    }

    private T Write<T>(Func<LiteDatabase, T> work)
    {
        if (database is null)
        {
            throw new InvalidOperationException($"database {DatabasePath} was opened read-only");
        }

        T result;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (failed is not null)
            {
                throw failed;
            }

            var before = sequence;
            try
            {
                result = InTransaction(database, work);
            }
            catch (Exception ex)
            {
                sequence = before;
                if (IoFailures.Translate(ex, DatabasePath) is { } plain)
                {
                    failed = plain;
                    throw plain;
                }

                if (IsDamage(ex))
                {
                    throw Damaged(ex);
                }

                throw;
            }
        }

        CheckpointWhenDue();
        return result;
    }

    /// <summary>
    /// After a write: a backup every <see cref="ScoreStoreOptions.BackupInterval"/> of writing, else a checkpoint once
    /// the log passes <see cref="CheckpointPages"/> (LiteDB's own checkpoints are off, so every one passes the
    /// <see cref="CheckpointGate"/>). Either is put off to a later write while readers keep the gate.
    /// </summary>
    private void CheckpointWhenDue()
    {
        var backupDue = options.BackupInterval is { } interval && interval > TimeSpan.Zero && options.Clock.GetUtcNow() - lastBackup >= interval;
        if (!backupDue && LogLength() < CheckpointPages * LiteDbFiles.PageSize)
        {
            return;
        }

        using var checkpoint = CheckpointGate.TryEnterCheckpoint(DatabasePath, TimeSpan.FromMilliseconds(500));
        if (checkpoint is not null)
        {
            if (backupDue)
            {
                WriteBackup();
            }
            else
            {
                lock (gate)
                {
                    database!.Checkpoint();
                }
            }
        }
    }

    private long LogLength()
    {
        var log = new FileInfo(LiteDbFiles.LogPath(DatabasePath));
        return log.Exists ? log.Length : 0;
    }

    private T Read<T>(Func<LiteDatabase, ProcessIdentity?, T> work)
    {
        if (database is not null)
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                try
                {
                    return work(database, ProcessIdentity.Current);
                }
                catch (Exception ex) when (IsDamage(ex))
                {
                    throw Damaged(ex);
                }
            }
        }

        ObjectDisposedException.ThrowIf(disposed, this);
        for (var attempt = 1; ; attempt++)
        {
            ProcessIdentity? live = null;
            try
            {
                live = LiteDbFiles.ProbeLiveWriter(DatabasePath);
                using var view = DatabaseInspector.OpenView(DatabasePath);
                return work(view.Db, live);
            }
            catch (Exception ex) when (attempt < ReadAttempts && (IsTransient(ex) || (live is not null && ex is ScoreStoreException)))
            {
                // A checkpoint by the writer can move pages under a reader, or leave the data file mid-append (not
                // whole pages) for an instant; a fresh view sees the new state.
                Thread.Sleep(20 * attempt);
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                throw ex is DatabaseDamagedException ? ex : Damaged(ex);
            }
        }
    }

    private static bool IsTransient(Exception ex) =>
        IsDamage(ex) || ex is IOException || (ex is ScoreStoreException s && s.InnerException is LiteException or IOException);

    /// <summary>What LiteDB and the decoders throw on bytes that are not what was written (never the machine refusing a write); LiteDB's BSON reader throws NotImplementedException for a type byte it does not know.</summary>
    internal static bool IsDamage(Exception ex) =>
        ex is LiteException or InvalidCastException or IndexOutOfRangeException or ArgumentOutOfRangeException or System.Text.DecoderFallbackException or EndOfStreamException
            or FormatException or InvalidDataException or OverflowException or NullReferenceException or NotSupportedException or NotImplementedException or DatabaseDamagedException
        && IoFailures.Translate(ex, string.Empty) is null;

    private DatabaseDamagedException Damaged(Exception ex) =>
        ex as DatabaseDamagedException ?? LiteDbIntegrity.Damaged(DatabasePath, LiteDbIntegrity.Describe(ex), ex);

    /// <summary>
    /// A LiteDB transaction whose rollback failed stays open inside the engine, and its finalizer repeats the failed
    /// discard and throws on the finalizer thread, which ends the process with a stack trace (seen after a full disk,
    /// once the store was closed and collected). The writer stops writing after such a failure and the log keeps
    /// every committed transaction, so nothing of these transactions needs finalizing: their finalizers are
    /// suppressed. LiteDB (5.0.x) exposes no way to reach them, so they are found by their types: the engine inside
    /// the database, the transaction monitor inside the engine, its dictionary of open transactions.
    /// </summary>
    private static void SilenceAbandonedTransactions(LiteDatabase db)
    {
        const System.Reflection.BindingFlags Fields = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic;
        var engine = typeof(LiteDatabase).GetFields(Fields).Select(f => f.GetValue(db)).OfType<LiteDB.Engine.LiteEngine>().FirstOrDefault();
        var monitor = engine is null ? null : typeof(LiteDB.Engine.LiteEngine).GetFields(Fields)
            .FirstOrDefault(f => f.FieldType.Name == "TransactionMonitor")?.GetValue(engine);
        var open = monitor?.GetType().GetFields(Fields).Select(f => f.GetValue(monitor)).OfType<System.Collections.IDictionary>().FirstOrDefault();
        if (open is null)
        {
            return;
        }

        lock (open)
        {
            foreach (var transaction in open.Values)
            {
                GC.SuppressFinalize(transaction!);
            }
        }
    }
}
