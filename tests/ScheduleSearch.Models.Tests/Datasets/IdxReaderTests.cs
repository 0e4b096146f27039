using System.IO.Compression;
using ScheduleSearch.Models.Datasets;
using ScheduleSearch.Models.Tests.Support;
using ScheduleSearch.Tests.Shared;

namespace ScheduleSearch.Models.Tests.Datasets;

public class IdxReaderTests
{
    [Fact]
    public void A_gzipped_unsigned_byte_image_file_reads_with_its_shape_and_values()
    {
        using var dir = new TempDirectory();
        byte[] idx = [0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];
        using (var file = File.Create(dir.File("images-idx3-ubyte.gz")))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            gzip.Write(idx);
        }

        var array = IdxReader.Read(dir.File("images-idx3-ubyte.gz"));

        Assert.Equal([2, 2, 3], array.Shape);
        Assert.Equal(2, array.Rows);
        Assert.Equal(6, array.RowSize);
        Assert.Equal(new double[] { 0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255 }, array.Data);
    }

    [Fact]
    public void A_file_without_the_idx_magic_is_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("bad"), [1, 2, 3, 4, 5]);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(dir.File("bad")));

        Assert.Contains("not an IDX file", e.Message);
    }
}
