// std::fs through a pre-opened directory (/data): read, parse and aggregate a
// CSV, write and append, buffered line reading, directories, metadata,
// rename, remove, and errors for paths outside the sandbox.
// run:
// exit: 0
// dir: yes
// explicit: yes
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};

fn main() -> std::io::Result<()> {
    let csv = fs::read_to_string("/data/records.csv")?;
    let mut density: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let entry = density.entry(fields[1].to_string()).or_insert((0, 0.0));
        entry.0 += fields[2].parse::<u64>().unwrap();
        entry.1 += fields[3].parse::<f64>().unwrap();
    }
    fs::create_dir_all("/data/out/deep/er")?;
    {
        let mut report = File::create("/data/out/density.txt")?;
        for (country, (people, area)) in &density {
            writeln!(report, "{} {:>8} {:>8.2} {:>9.1}", country, people, area, *people as f64 / area)?;
        }
    }
    let mut log = OpenOptions::new().append(true).create(true).open("/data/out/log.txt")?;
    for i in 0..3 {
        writeln!(log, "entry {}", i)?;
    }
    drop(log);
    let mut log = OpenOptions::new().append(true).open("/data/out/log.txt")?;
    writeln!(log, "entry appended later")?;
    for line in BufReader::new(File::open("/data/out/density.txt")?).lines() {
        println!("density: {}", line?);
    }
    let log_text = fs::read_to_string("/data/out/log.txt")?;
    println!("log has {} lines, last {:?}", log_text.lines().count(), log_text.lines().last());
    let mut words = File::open("/data/words.txt")?;
    words.seek(SeekFrom::Start(7))?;
    let mut buffer = [0u8; 16];
    words.read_exact(&mut buffer)?;
    println!("bytes 7..23: {:?}", String::from_utf8_lossy(&buffer));
    let size = words.seek(SeekFrom::End(0))?;
    println!("words.txt: {} bytes, metadata says {}", size, fs::metadata("/data/words.txt")?.len());
    fs::write("/data/out/deep/er/bytes.bin", (0u8..=255).collect::<Vec<u8>>())?;
    let bytes = fs::read("/data/out/deep/er/bytes.bin")?;
    println!("bytes.bin: {} bytes, sum {}", bytes.len(), bytes.iter().map(|&b| b as u32).sum::<u32>());
    fs::rename("/data/notes/a.txt", "/data/out/a-moved.txt")?;
    fs::remove_file("/data/notes/b.txt")?;
    fs::remove_dir("/data/notes")?;
    let mut names: Vec<String> = fs::read_dir("/data/out")?
        .map(|entry| {
            let entry = entry.unwrap();
            let kind = if entry.file_type().unwrap().is_dir() { "dir" } else { "file" };
            format!("{} ({})", entry.file_name().to_string_lossy(), kind)
        })
        .collect();
    names.sort();
    println!("out/: {:?}", names);
    println!("missing: {:?}", fs::read_to_string("/data/nope.txt").map_err(|e| e.kind()));
    println!("outside: {:?}", File::open("/etc/passwd").is_ok());
    println!("escape: {:?}", File::open("/data/../etc/passwd").is_ok());
    Ok(())
}
