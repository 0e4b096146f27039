namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// A read-only view of a LiteDB file for readers that run beside the writer. LiteDB's own read-only mode is not
/// safe there: it crops a file whose length is not whole pages (the log mid-append) and deletes an empty log
/// file on close (the writer's, right after a checkpoint). Through this view a reader can do neither: the
/// length is rounded down to whole pages and every write throws.
/// </summary>
internal sealed class ReadOnlyPageView : Stream
{
    private readonly FileStream? file;

    private ReadOnlyPageView(FileStream? file)
    {
        this.file = file;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length
    {
        get
        {
            // One read of the length: the writer may append between two reads, and a length that is not whole
            // pages makes LiteDB try to crop the file.
            var length = file?.Length ?? 0;
            return length - (length % LiteDbFiles.PageSize);
        }
    }

    /// <inheritdoc />
    public override long Position
    {
        get => file?.Position ?? 0;
        set
        {
            if (file is not null)
            {
                file.Position = value;
            }
        }
    }

    /// <summary>Opens a view of the file, or an empty view when it does not exist (an absent log).</summary>
    public static ReadOnlyPageView Open(string path)
    {
        try
        {
            return new ReadOnlyPageView(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, LiteDbFiles.PageSize, FileOptions.RandomAccess));
        }
        catch (FileNotFoundException)
        {
            return new ReadOnlyPageView(null);
        }
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => file?.Read(buffer, offset, count) ?? 0;

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => file?.Seek(offset, origin) ?? 0;

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException("a read-only view of a ScheduleSearch database is never resized");

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("a read-only view of a ScheduleSearch database is never written");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file?.Dispose();
        }

        base.Dispose(disposing);
    }
}
