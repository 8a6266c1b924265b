//! Private files for the SQLite backend: the database, its `-wal` and `-shm` files are created
//! 0600 and a folder we create for them 0700, whatever the process umask, because they hold
//! customers' messages and sealed credentials (the same rule as the master key file).
use std::{
    io,
    path::{Path, PathBuf},
};

/// The database file and the two files SQLite keeps beside it in WAL mode.
fn family(db: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut s = db.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    [db.to_path_buf(), with("-wal"), with("-shm")]
}

/// Creates the folder (0700) and the database files (empty, 0600) before SQLite opens them,
/// so not even a moment passes with a readable file. Existing files are tightened to 0600.
pub fn prepare_private(db: &Path) -> io::Result<()> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        create_private_dir(dir)?;
    }
    for f in family(db) {
        create_private_file(&f)?;
    }
    Ok(())
}

/// Tightens the files SQLite may have made on its own after opening (0600).
pub fn tighten(db: &Path) -> io::Result<()> {
    for f in family(db) {
        if f.exists() {
            set_mode(&f, 0o600)?;
        }
    }
    Ok(())
}

/// Creates `dir` and its missing parents with mode 0700.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    // Only the folders made here are ours to tighten: `new/..` names an existing one.
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .filter(|a| a.file_name().is_some())
        .map(Path::to_path_buf)
        .collect();
    b.create(dir)?;
    // The mode passed to mkdir is masked by the umask; set it exactly.
    for d in missing {
        set_mode(&d, 0o700)?;
    }
    Ok(())
}

fn create_private_file(path: &Path) -> io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    if !path.exists() {
        o.open(path)?;
    }
    set_mode(path, 0o600)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}
