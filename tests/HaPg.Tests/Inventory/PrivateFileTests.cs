using System;
using System.IO;
using System.Linq;
using HaPg.Inventory;
using Xunit;

namespace HaPg.Tests.Inventory
{
    /// <summary>The secrets file: created 0600 (never wider, not even for a moment), never through a symlink, replaced atomically.</summary>
    public sealed class PrivateFileTests : IDisposable
    {
        private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hapg-pf-" + Guid.NewGuid().ToString("N"))).FullName;

        public void Dispose() => Directory.Delete(folder, recursive: true);

        private string In(string name) => Path.Combine(folder, name);

        [Fact]
        public void ANewFileHasMode0600AndItsContentAndNoTempFileIsLeft()
        {
            var path = In("secrets.yaml");
            PrivateFile.WriteText(path, w => w.Write("superuserPassword: s3cret\n"));

            Assert.Equal("superuserPassword: s3cret\n", File.ReadAllText(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
            }

            Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(folder));
        }

        [Fact]
        public void TheFileIsOwnerOnlyWhileItIsBeingWritten()
        {
            if (OperatingSystem.IsWindows()) return;
            var path = In("secrets.yaml");
            PrivateFile.WriteText(path, w =>
            {
                w.Flush();
                var temp = Assert.Single(Directory.GetFiles(folder));
                Assert.NotEqual(path, temp); // written under a temp name in the same folder, then renamed
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(temp));
            });
        }

        [Fact]
        public void AnExistingFileIsReplacedByRenameNotRewrittenInPlace()
        {
            var path = In("secrets.yaml");
            File.WriteAllText(path, "old\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                PrivateFile.WriteText(path, w => w.Write("new\n"));

                // A reader that had the old file open still reads the old one: a new file took its name, in one step.
                Assert.Equal("old\n", new StreamReader(reader).ReadToEnd());
            }

            Assert.Equal("new\n", File.ReadAllText(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
            }

            Assert.Single(Directory.GetFileSystemEntries(folder));
        }

        [Fact]
        public void ASymlinkTargetIsRefusedAndNotFollowed()
        {
            if (OperatingSystem.IsWindows()) return; // symlinks need a privilege there
            var victim = In("victim.txt");
            File.WriteAllText(victim, "keep");
            var link = In("secrets.yaml");
            File.CreateSymbolicLink(link, victim);

            var ex = Assert.Throws<HaPgInventoryException>(() => PrivateFile.WriteText(link, w => w.Write("s3cret")));

            Assert.Equal(InventoryErrorIds.SecretsPathIsLink, ex.ErrorId);
            Assert.Contains(link, ex.Message);
            Assert.Equal("keep", File.ReadAllText(victim));
            Assert.NotNull(new FileInfo(link).LinkTarget);
            Assert.Equal(2, Directory.GetFileSystemEntries(folder).Length);
        }

        [Fact]
        public void ADanglingSymlinkIsRefusedToo()
        {
            if (OperatingSystem.IsWindows()) return;
            var link = In("secrets.yaml");
            File.CreateSymbolicLink(link, In("nowhere"));

            var ex = Assert.Throws<HaPgInventoryException>(() => PrivateFile.WriteText(link, w => w.Write("s3cret")));

            Assert.Equal(InventoryErrorIds.SecretsPathIsLink, ex.ErrorId);
            Assert.False(File.Exists(In("nowhere")));
        }

        [Fact]
        public void AFailedWriteLeavesTheOldFileAndNoTempFile()
        {
            var path = In("secrets.yaml");
            File.WriteAllText(path, "old\n");

            Assert.Throws<InvalidOperationException>(() => PrivateFile.WriteText(path, w => { w.Write("half"); throw new InvalidOperationException("boom"); }));

            Assert.Equal("old\n", File.ReadAllText(path));
            Assert.Single(Directory.GetFileSystemEntries(folder));
        }
    }
}
