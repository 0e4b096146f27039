using System.Buffers.Binary;
using System.Globalization;
using LiteDB;

namespace ScheduleSearch.Storage.LiteDb;

/// <summary>
/// The pages of a LiteDB 5 file read without LiteDB's engine: the data file overlaid with the log's committed
/// transactions, as LiteDB itself would see them. Used to check the page chain (every page the header counts is
/// there and says it is that page) and, for salvage, to read every document that still decodes even when the
/// indexes or the header cannot be trusted. Opens both files read-only and never writes.
/// </summary>
/// <remarks>
/// The layout (LiteDB 5.0, file version 8): 8 KiB pages; a 32-byte page header (id at 0, type at 4, transaction
/// at 14, confirmed flag at 18, collection id at 19, highest slot at 30); a footer of 4-byte slots (length, then
/// position) from the page end; a data block starts with an "extend" byte and the next block's address (page id,
/// slot), then its share of the BSON document. The header page holds the last page id at 64 and the collections
/// (name to page id) as a BSON document at 192.
/// </remarks>
internal sealed class LiteDbPages : IDisposable
{
    private const int PageHeaderSize = 32;
    private const int SlotSize = 4;
    private const int LastPageIdOffset = 64;
    private const int CollectionsOffset = 192;
    private const int CollectionsSize = 8000;
    private const byte DataPage = 4;
    private const byte MaxPageType = 4;

    private readonly FileStream data;
    private readonly FileStream? log;
    private readonly Dictionary<uint, long> logPages = [];
    private readonly long dataPages;

    private LiteDbPages(string path, FileStream data, FileStream? log)
    {
        Path = path;
        this.data = data;
        this.log = log;
        dataPages = data.Length / LiteDbFiles.PageSize;
        if (log is not null)
        {
            ReadLogIndex();
        }
    }

    /// <summary>The data file.</summary>
    public string Path { get; }

    /// <summary>The highest page id the effective header counts.</summary>
    public uint LastPageId { get; private set; }

    /// <summary>Opens the data file and its log (when present) for reading.</summary>
    public static LiteDbPages Open(string path)
    {
        var data = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, LiteDbFiles.PageSize, FileOptions.RandomAccess);
        try
        {
            FileStream? log = null;
            try
            {
                log = new FileStream(LiteDbFiles.LogPath(path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, LiteDbFiles.PageSize, FileOptions.SequentialScan);
            }
            catch (FileNotFoundException)
            {
            }

            return new LiteDbPages(path, data, log);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks the page chain: the header's page count against the file (a truncated file ends early), and that
    /// every page says it is the page at its position and has a known type. Returns the damage found, in words.
    /// </summary>
    public IReadOnlyList<string> CheckChain(CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var header = Read(0);
        if (header is null)
        {
            return ["it has no header page"];
        }

        LastPageId = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(LastPageIdOffset));
        var available = Math.Max(dataPages - 1, logPages.Count == 0 ? 0 : logPages.Keys.Max());
        if (LastPageId > available)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"it ends after {dataPages} pages ({dataPages * LiteDbFiles.PageSize} bytes) but its header counts {(long)LastPageId + 1} pages: the file was truncated"));
        }

        for (uint id = 0; id <= Math.Min(LastPageId, (uint)Math.Max(available, 0)) && problems.Count < 20; id++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = Read(id);
            if (page is null)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"page {id} is missing"));
                continue;
            }

            var stored = BinaryPrimitives.ReadUInt32LittleEndian(page);
            var type = page[4];
            if (stored != id || type > MaxPageType)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"page {id} (at byte {(long)id * LiteDbFiles.PageSize}) does not hold a valid page header (it says page {stored}, type {type}): a bit flip or a partial write"));
            }
        }

        return problems;
    }

    /// <summary>The collection names the effective header lists, by collection page id; empty when it does not decode.</summary>
    public IReadOnlyDictionary<uint, string> CollectionNames()
    {
        var names = new Dictionary<uint, string>();
        try
        {
            var header = Read(0);
            if (header is null)
            {
                return names;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(CollectionsOffset));
            if (length <= 4 || length > CollectionsSize)
            {
                return names;
            }

            var document = BsonSerializer.Deserialize(header.AsSpan(CollectionsOffset, length).ToArray());
            foreach (var (name, value) in document)
            {
                if (value.IsNumber)
                {
                    names[(uint)value.AsInt32] = name;
                }
            }
        }
        catch (Exception ex) when (ex is LiteException or ArgumentException or InvalidCastException or IndexOutOfRangeException or FormatException or OverflowException or NotSupportedException)
        {
            // A damaged collection list: documents are then told apart by their fields.
        }

        return names;
    }

    /// <summary>
    /// Every document whose blocks still chain and decode, with its collection page id; a document that does not is
    /// counted in <paramref name="unreadable"/>. Reads data pages directly, never through an index.
    /// </summary>
    public IEnumerable<(uint CollectionId, BsonDocument Document)> Documents(Action<string> unreadable, CancellationToken cancellationToken = default)
    {
        var last = Math.Max(dataPages - 1, logPages.Count == 0 ? 0 : logPages.Keys.Max());
        for (uint id = 1; id <= last; id++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = Read(id);
            if (page is null || page[4] != DataPage || BinaryPrimitives.ReadUInt32LittleEndian(page) != id)
            {
                continue;
            }

            var collection = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(19));
            var highest = page[30];
            if (highest == byte.MaxValue)
            {
                continue;
            }

            for (var slot = 0; slot <= highest; slot++)
            {
                var (position, length) = SlotOf(page, slot);
                if (position == 0 || length == 0)
                {
                    continue;
                }

                BsonDocument? document = null;
                string? error = null;
                try
                {
                    if (!ValidSegment(position, length))
                    {
                        error = string.Create(CultureInfo.InvariantCulture, $"page {id} slot {slot} points outside the page");
                    }
                    else if (page[position] == 0)
                    {
                        // A block that starts a document; continuation blocks are read with it.
                        document = Assemble(page, position, length, collection);
                    }
                }
                catch (Exception ex) when (IsUndecodable(ex))
                {
                    error = string.Create(CultureInfo.InvariantCulture, $"page {id} slot {slot}: {ex.Message}");
                }

                if (error is not null)
                {
                    unreadable(error);
                }
                else if (document is not null)
                {
                    yield return (collection, document);
                }
            }
        }

        foreach (var found in CutPageDocuments(unreadable))
        {
            yield return found;
        }
    }

    /// <summary>
    /// The documents whole in a data page the file's end cut short (a write or a copy stopped inside it). Its slot
    /// table, at the page's end, is gone, but LiteDB places a page's blocks one after another from its header on, and
    /// a block that holds a whole document (first block, no next block) is as long as the document's BSON length
    /// says: the blocks are walked in that order until one does not end within the bytes left or continues
    /// elsewhere. Salvage keeps an evaluation only when it matches its checksum.
    /// </summary>
    private IEnumerable<(uint CollectionId, BsonDocument Document)> CutPageDocuments(Action<string> unreadable)
    {
        var id = (uint)dataPages;
        var available = (int)(data.Length - (dataPages * LiteDbFiles.PageSize));
        if (available <= PageHeaderSize || logPages.ContainsKey(id))
        {
            yield break;
        }

        var page = new byte[available];
        data.Position = dataPages * LiteDbFiles.PageSize;
        data.ReadExactly(page);
        if (page[4] != DataPage || BinaryPrimitives.ReadUInt32LittleEndian(page) != id)
        {
            yield break;
        }

        var collection = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(19));
        for (var position = PageHeaderSize; position + 6 + 5 <= available;)
        {
            if (page[position] != 0 || NextOf(page, position) is not null)
            {
                yield break;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(position + 6));
            if (length < 5 || position + 6 + length > available)
            {
                yield break;
            }

            BsonDocument? document = null;
            try
            {
                document = BsonSerializer.Deserialize(page.AsSpan(position + 6, length).ToArray());
            }
            catch (Exception ex) when (IsUndecodable(ex))
            {
                unreadable(string.Create(CultureInfo.InvariantCulture, $"the cut page {id} at byte {position}: {ex.Message}"));
                yield break;
            }

            yield return (collection, document);
            position += 6 + length;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        data.Dispose();
        log?.Dispose();
    }

    /// <summary>What decoding bytes that are not a document throws: the store's damage rule, plus argument errors from slot and block arithmetic.</summary>
    private static bool IsUndecodable(Exception ex) => LiteDbScoreStore.IsDamage(ex) || ex is ArgumentException;

    private static (int Position, int Length) SlotOf(byte[] page, int slot)
    {
        var at = LiteDbFiles.PageSize - ((slot + 1) * SlotSize);
        return (BinaryPrimitives.ReadUInt16LittleEndian(page.AsSpan(at + 2)), BinaryPrimitives.ReadUInt16LittleEndian(page.AsSpan(at)));
    }

    private static bool ValidSegment(int position, int length) =>
        position >= PageHeaderSize && length > 6 && position + length <= LiteDbFiles.PageSize - SlotSize;

    private BsonDocument Assemble(byte[] page, int position, int length, uint collection)
    {
        using var buffer = new MemoryStream();
        buffer.Write(page, position + 6, length - 6);
        var next = NextOf(page, position);
        for (var hops = 0; next is { } address; hops++)
        {
            if (hops > 10_000)
            {
                throw new InvalidDataException("its blocks loop");
            }

            var nextPage = Read(address.Page) ?? throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"its next block is on page {address.Page}, which is missing"));
            if (nextPage[4] != DataPage || BinaryPrimitives.ReadUInt32LittleEndian(nextPage.AsSpan(19)) != collection || address.Slot > nextPage[30])
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"its next block on page {address.Page} is not a data block of the same collection"));
            }

            var (p, l) = SlotOf(nextPage, address.Slot);
            if (!ValidSegment(p, l) || nextPage[p] != 1)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"its next block on page {address.Page} slot {address.Slot} is not a continuation"));
            }

            buffer.Write(nextPage, p + 6, l - 6);
            next = NextOf(nextPage, p);
        }

        var bytes = buffer.ToArray();
        var declared = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (declared < 5 || declared > bytes.Length)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"its BSON length {declared} does not fit its {bytes.Length} bytes"));
        }

        return BsonSerializer.Deserialize(bytes.AsSpan(0, declared).ToArray());
    }

    private static (uint Page, byte Slot)? NextOf(byte[] page, int position)
    {
        var id = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(position + 1));
        var slot = page[position + 5];
        return id == uint.MaxValue && slot == byte.MaxValue ? null : (id, slot);
    }

    /// <summary>The effective content of page <paramref name="id"/>: the log's last committed copy, else the data file's; null when absent.</summary>
    private byte[]? Read(uint id)
    {
        var buffer = new byte[LiteDbFiles.PageSize];
        if (logPages.TryGetValue(id, out var logPosition))
        {
            log!.Position = logPosition;
            log.ReadExactly(buffer);
            return buffer;
        }

        if (id >= dataPages)
        {
            return null;
        }

        data.Position = (long)id * LiteDbFiles.PageSize;
        data.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>As LiteDB restores its log: a transaction's pages count once a page of it says it is confirmed.</summary>
    private void ReadLogIndex()
    {
        var pending = new Dictionary<uint, List<(uint Page, long Position)>>();
        var header = new byte[PageHeaderSize];
        var count = log!.Length / LiteDbFiles.PageSize;
        for (long i = 0; i < count; i++)
        {
            log.Position = i * LiteDbFiles.PageSize;
            log.ReadExactly(header);
            if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                continue;
            }

            var page = BinaryPrimitives.ReadUInt32LittleEndian(header);
            var transaction = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(14));
            if (!pending.TryGetValue(transaction, out var list))
            {
                pending[transaction] = list = [];
            }

            list.Add((page, i * LiteDbFiles.PageSize));
            if (header[18] != 0)
            {
                foreach (var (p, position) in list)
                {
                    logPages[p] = position;
                }

                list.Clear();
            }
        }
    }
}
