//! The few operating-system facts the output rules need, in one place: what kind of file a path
//! names, its identity (device, inode), its permission bits, whether standard output is usable,
//! and the directory exchange of the report swap. Unix has them all (the exchange on Linux
//! only); elsewhere the answers are the conservative ones (no identity, no exchange).

use std::fs::Metadata;
use std::io;
use std::path::Path;

/// What an existing path is, once symbolic links are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Regular,
    Directory,
    /// A character or block device (`/dev/null`, a terminal): written in place.
    Device,
    Fifo,
    Socket,
    Other,
}

impl Kind {
    pub fn of(meta: &Metadata) -> Kind {
        let ft = meta.file_type();
        if ft.is_file() {
            return Kind::Regular;
        }
        if ft.is_dir() {
            return Kind::Directory;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if ft.is_char_device() || ft.is_block_device() {
                return Kind::Device;
            }
            if ft.is_fifo() {
                return Kind::Fifo;
            }
            if ft.is_socket() {
                return Kind::Socket;
            }
        }
        Kind::Other
    }

    /// "a named pipe (FIFO)", … for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Regular => "a regular file",
            Kind::Directory => "a directory",
            Kind::Device => "a device",
            Kind::Fifo => "a named pipe (FIFO)",
            Kind::Socket => "a socket",
            Kind::Other => "a special file",
        }
    }
}

/// (device, inode): the same pair is the same file, whatever the paths (hard links, symlinks,
/// bind mounts). `None` where the platform does not say.
pub fn identity(meta: &Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Owner and group, to decide whether a swapped-in directory keeps them.
pub fn owner(meta: &Metadata) -> Option<(u32, u32)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.uid(), meta.gid()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Give `path` the permission bits `mode` (rw-r--r-- = 0o644); a no-op off Unix.
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// The permission bits of `meta` (0o644 where the platform has none).
pub fn mode(meta: &Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o7777
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0o644
    }
}

/// Exchange two directory entries atomically (Linux `renameat2(RENAME_EXCHANGE)`): both names
/// stay valid at every instant. `Unsupported` elsewhere and where the file system refuses.
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (a, b);
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// Rename `from` to `to` unless `to` exists (Linux `RENAME_NOREPLACE`; elsewhere a check then a
/// rename, which is good enough for putting back a stray file).
pub fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE).map_err(io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        if std::fs::symlink_metadata(to).is_ok() {
            return Err(io::Error::from(io::ErrorKind::AlreadyExists));
        }
        std::fs::rename(from, to)
    }
}

/// Why standard output cannot take the JSON, if it cannot: closed, open for reading only, or
/// the null device opened read-write — which is what the Rust runtime puts in place of a
/// standard output that was closed when the program started (`effekt … >&-`). A shell's
/// `> /dev/null` opens it write-only and is accepted; a parent that passes a read-write
/// `/dev/null` (Python's `subprocess.DEVNULL`) cannot be told apart and is refused too.
pub fn stdout_unusable() -> Option<&'static str> {
    #[cfg(unix)]
    {
        use rustix::fs::{FileType, OFlags, fcntl_getfl, fstat};
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let out = std::io::stdout();
        let fd = out.as_fd();
        let (Ok(st), Ok(flags)) = (fstat(fd), fcntl_getfl(fd)) else {
            return Some("standard output is closed");
        };
        let access = flags.bits() & (OFlags::WRONLY.bits() | OFlags::RDWR.bits());
        if access == OFlags::RDONLY.bits() {
            return Some("standard output is open for reading only");
        }
        let is_device = FileType::from_raw_mode(st.st_mode as _) == FileType::CharacterDevice;
        let null = std::fs::metadata("/dev/null").ok()?;
        // st_rdev is not u64 on every platform.
        #[allow(clippy::unnecessary_cast)]
        let rdev = st.st_rdev as u64;
        if is_device && rdev == null.rdev() && access == OFlags::RDWR.bits() {
            return Some(
                "standard output was closed (the runtime put the null device in its place)",
            );
        }
        None
    }
    #[cfg(not(unix))]
    {
        None
    }
}
