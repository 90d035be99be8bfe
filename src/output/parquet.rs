//! Apache Parquet copies of a run's tables (feature `parquet`), for large ensembles that
//! pandas, R (arrow) or DuckDB should load fast.
//!
//! [`write_parquet`] reads the CSV tables of an output directory and writes each one again as
//! Parquet: `timeseries.csv` → `DIR/parquet/timeseries.parquet`, and so on for `outcomes`,
//! `summary`, `events`, `cases`, `points` and `compare`; the long form, when `DIR/tidy/` holds
//! it, → `DIR/tidy/<name>.parquet`. The CSV files stay the record (resume, merge, charts and
//! `impunity tidy` read them); the Parquet files hold the same values:
//!
//! * `point`, `replicate`, `tick` and `n` are `INT64`;
//! * every other column whose cells all read as numbers is `DOUBLE` (`nan`, `inf` included),
//!   the very values of the CSV text, which is their shortest round-trip form;
//! * a column of `true` and `false` is `BOOLEAN`;
//! * any other column is a `UTF8` string, quotes removed (so is a column of empty cells);
//! * an empty cell is a null (every column is `OPTIONAL`).
//!
//! Files are written atomically, a row group per 65,536 rows, Snappy-compressed, in two
//! streaming passes over the CSV file (types, then values), so memory does not grow with the
//! table.
//!
//! ```
//! use impunity::ensemble::{Ensemble, Plan, no_progress};
//! let dir = std::env::temp_dir().join(format!("impunity-pq-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let s = impunity::presets::get("epstein-run1").unwrap();
//! let results = Ensemble::new(Plan::single(s, 1, 2, 3).unwrap()).run(&no_progress).unwrap();
//! results.write(&dir, vec!["doc".into()]).unwrap();
//! let files = impunity::output::write_parquet(&dir).unwrap();
//! assert!(files.contains(&dir.join("parquet/timeseries.parquet")));
//! let bytes = std::fs::read(dir.join("parquet/timeseries.parquet")).unwrap();
//! assert_eq!(&bytes[..4], b"PAR1"); // Parquet's magic number, at both ends
//! assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use super::{split_csv_line as fields, write_atomic};
use parquet::basic::{ConvertedType, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::fs;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The tables copied, in this order.
const TABLES: [&str; 7] = [
    "timeseries",
    "outcomes",
    "summary",
    "events",
    "cases",
    "points",
    "compare",
];

/// Columns that are integers wherever they appear.
const INTEGERS: [&str; 4] = ["point", "replicate", "tick", "n"];

/// Rows per row group.
const GROUP: usize = 65_536;

/// Why the Parquet files could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParquetError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The directory holds no run, or a table is not as impunity writes it.
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> ParquetError + '_ {
    move |source| ParquetError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the Parquet copy of every table of the run in `dir` (see the module's docs) and
/// returns the files written. Tables the run does not have are skipped; the directory must
/// hold a finished run (`manifest.json`).
pub fn write_parquet(dir: &Path) -> Result<Vec<PathBuf>, ParquetError> {
    let manifest = dir.join("manifest.json");
    if !manifest.is_file() {
        return Err(ParquetError::Format {
            path: dir.to_path_buf(),
            message: "no manifest.json: not the directory of a finished run".into(),
        });
    }
    let mut jobs = Vec::new();
    let out = dir.join("parquet");
    for t in TABLES {
        let csv = dir.join(format!("{t}.csv"));
        if csv.is_file() {
            jobs.push((csv, out.join(format!("{t}.parquet"))));
        }
    }
    let tidy = dir.join("tidy");
    for t in ["timeseries", "outcomes", "summary"] {
        let csv = tidy.join(format!("{t}.csv"));
        if csv.is_file() {
            jobs.push((csv, tidy.join(format!("{t}.parquet"))));
        }
    }
    if !jobs.is_empty() {
        fs::create_dir_all(&out).map_err(io_err(&out))?;
    }
    let mut files = Vec::new();
    for (csv, pq) in jobs {
        convert(&csv, &pq)?;
        files.push(pq);
    }
    Ok(files)
}

/// A column's type.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Int,
    Double,
    Bool,
    Text,
}

/// Reads `csv` line by line, calling `row` with each data row's fields.
fn each_row(
    csv: &Path,
    mut row: impl FnMut(&[String]) -> Result<(), ParquetError>,
) -> Result<Vec<String>, ParquetError> {
    let f = fs::File::open(csv).map_err(io_err(csv))?;
    let mut lines = BufReader::with_capacity(1 << 20, f).lines();
    let header = match lines.next() {
        Some(h) => h.map_err(io_err(csv))?,
        None => {
            return Err(ParquetError::Format {
                path: csv.to_path_buf(),
                message: "empty file (no header)".into(),
            });
        }
    };
    let mut names = Vec::new();
    fields(&header, &mut names);
    let mut cells = Vec::new();
    for (i, line) in lines.enumerate() {
        let line = line.map_err(io_err(csv))?;
        fields(&line, &mut cells);
        if cells.len() != names.len() {
            return Err(ParquetError::Format {
                path: csv.to_path_buf(),
                message: format!(
                    "line {}: {} fields, the header has {}",
                    i + 2,
                    cells.len(),
                    names.len()
                ),
            });
        }
        row(&cells)?;
    }
    Ok(names)
}

fn convert(csv: &Path, pq: &Path) -> Result<(), ParquetError> {
    // Pass 1: the column types.
    let mut kinds: Vec<Kind> = Vec::new();
    let mut seen: Vec<bool> = Vec::new();
    let mut bools: Vec<bool> = Vec::new();
    let names = each_row(csv, |cells| {
        if kinds.is_empty() {
            kinds = vec![Kind::Int; cells.len()];
            seen = vec![false; cells.len()];
            bools = vec![true; cells.len()];
        }
        for (((k, c), s), b) in kinds.iter_mut().zip(cells).zip(&mut seen).zip(&mut bools) {
            if c.is_empty() {
                continue;
            }
            *s = true;
            *b &= c == "true" || c == "false";
            if *k == Kind::Int && c.parse::<i64>().is_err() {
                *k = Kind::Double;
            }
            if *k == Kind::Double && c.parse::<f64>().is_err() {
                *k = Kind::Text;
            }
        }
        Ok(())
    })?;
    if kinds.is_empty() {
        kinds = vec![Kind::Text; names.len()];
        seen = vec![false; names.len()];
    }
    bools.resize(names.len(), false);
    for (((k, n), s), b) in kinds.iter_mut().zip(&names).zip(seen).zip(bools) {
        if !s {
            *k = Kind::Text; // only empty cells: nulls of a text column
        } else if b {
            *k = Kind::Bool;
        } else if *k == Kind::Int && !INTEGERS.contains(&n.as_str()) {
            *k = Kind::Double;
        }
    }
    let schema = schema(&names, &kinds).map_err(|e| ParquetError::Format {
        path: csv.to_path_buf(),
        message: e.to_string(),
    })?;
    // Pass 2: the values, a row group at a time.
    let to_io = |e: parquet::errors::ParquetError| io::Error::other(e.to_string());
    write_atomic(pq, |w| {
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(parquet::basic::Compression::SNAPPY)
                .set_created_by(format!("impunity {}", env!("CARGO_PKG_VERSION")))
                .build(),
        );
        let mut writer = SerializedFileWriter::new(w, schema, props).map_err(to_io)?;
        let mut group: Vec<Vec<String>> = vec![Vec::new(); names.len()];
        let mut rows = 0;
        let flush = |group: &mut Vec<Vec<String>>,
                     writer: &mut SerializedFileWriter<_>|
         -> io::Result<()> {
            write_group(writer, group, &kinds).map_err(to_io)?;
            group.iter_mut().for_each(Vec::clear);
            Ok(())
        };
        let read = each_row(csv, |cells| {
            for (g, c) in group.iter_mut().zip(cells) {
                g.push(c.clone());
            }
            rows += 1;
            if rows % GROUP == 0 {
                flush(&mut group, &mut writer).map_err(io_err(csv))?;
            }
            Ok(())
        });
        if let Err(e) = read {
            return Err(io::Error::other(e.to_string()));
        }
        if rows % GROUP != 0 || rows == 0 {
            flush(&mut group, &mut writer)?;
        }
        writer.close().map_err(to_io)?;
        Ok(())
    })
    .map_err(io_err(pq))
}

fn schema(names: &[String], kinds: &[Kind]) -> parquet::errors::Result<Arc<Type>> {
    let mut fields = Vec::new();
    for (n, k) in names.iter().zip(kinds) {
        let b = match k {
            Kind::Int => Type::primitive_type_builder(n, Physical::INT64),
            Kind::Double => Type::primitive_type_builder(n, Physical::DOUBLE),
            Kind::Bool => Type::primitive_type_builder(n, Physical::BOOLEAN),
            Kind::Text => Type::primitive_type_builder(n, Physical::BYTE_ARRAY)
                .with_logical_type(Some(LogicalType::String))
                .with_converted_type(ConvertedType::UTF8),
        };
        fields.push(Arc::new(b.with_repetition(Repetition::OPTIONAL).build()?));
    }
    Ok(Arc::new(
        Type::group_type_builder("impunity")
            .with_fields(fields)
            .build()?,
    ))
}

/// Writes one row group: each column's non-empty cells, with definition levels (0: null).
fn write_group<W: io::Write + Send>(
    writer: &mut SerializedFileWriter<W>,
    group: &[Vec<String>],
    kinds: &[Kind],
) -> parquet::errors::Result<()> {
    let mut rg = writer.next_row_group()?;
    let mut k = 0;
    while let Some(mut col) = rg.next_column()? {
        let cells = &group[k];
        let defs: Vec<i16> = cells.iter().map(|c| i16::from(!c.is_empty())).collect();
        let present = cells.iter().filter(|c| !c.is_empty());
        match kinds[k] {
            Kind::Int => {
                let v: Vec<i64> = present.map(|c| c.parse().expect("typed")).collect();
                col.typed::<Int64Type>()
                    .write_batch(&v, Some(&defs), None)?;
            }
            Kind::Double => {
                let v: Vec<f64> = present.map(|c| c.parse().expect("typed")).collect();
                col.typed::<DoubleType>()
                    .write_batch(&v, Some(&defs), None)?;
            }
            Kind::Bool => {
                let v: Vec<bool> = present.map(|c| c == "true").collect();
                col.typed::<BoolType>().write_batch(&v, Some(&defs), None)?;
            }
            Kind::Text => {
                let v: Vec<ByteArray> = present.map(|c| ByteArray::from(c.as_str())).collect();
                col.typed::<ByteArrayType>()
                    .write_batch(&v, Some(&defs), None)?;
            }
        }
        col.close()?;
        k += 1;
    }
    rg.close()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cell comes back from the Parquet file as the CSV has it: integers, doubles
    /// (`nan`, `inf` included), quoted text, nulls, a column of empty cells, across row groups.
    #[test]
    fn values_round_trip() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::Field;
        let dir = std::env::temp_dir().join(format!("impunity-pq-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let csv = dir.join("t.csv");
        let mut text = String::from("point,tick,value,name,entity,n,flag\n");
        let rows = GROUP + 5;
        for i in 0..rows {
            let v = match i % 5 {
                0 => "nan".to_string(),
                1 => "-inf".to_string(),
                2 => String::new(),
                _ => format!("{}", i as f64 / 8.0),
            };
            let name = if i % 3 == 0 { "\"a, \"\"b\"\"\"" } else { "c" };
            let flag = ["true", "false", ""][i % 3];
            text.push_str(&format!("{},{i},{v},{name},,{},{flag}\n", i % 2, i % 7));
        }
        fs::write(&csv, text).unwrap();
        let pq = dir.join("t.parquet");
        convert(&csv, &pq).unwrap();
        let reader = SerializedFileReader::new(fs::File::open(&pq).unwrap()).unwrap();
        assert_eq!(reader.metadata().num_row_groups(), 2);
        let mut n = 0;
        for (i, row) in reader.get_row_iter(None).unwrap().enumerate() {
            let row = row.unwrap();
            let cols: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
            assert_eq!(cols[0], &Field::Long((i % 2) as i64));
            assert_eq!(cols[1], &Field::Long(i as i64));
            match (i % 5, cols[2]) {
                (0, Field::Double(v)) => assert!(v.is_nan()),
                (1, Field::Double(v)) => assert_eq!(*v, f64::NEG_INFINITY),
                (2, Field::Null) => {}
                (_, Field::Double(v)) => assert_eq!(*v, i as f64 / 8.0),
                (_, f) => panic!("row {i}: {f:?}"),
            }
            let name = if i % 3 == 0 { r#"a, "b""# } else { "c" };
            assert_eq!(cols[3], &Field::Str(name.into()));
            assert_eq!(cols[4], &Field::Null);
            assert_eq!(cols[5], &Field::Long((i % 7) as i64));
            let flag = [Field::Bool(true), Field::Bool(false), Field::Null][i % 3].clone();
            assert_eq!(cols[6], &flag);
            n += 1;
        }
        assert_eq!(n, rows);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn fields_unquote() {
        let mut f = Vec::new();
        fields(r#"1,"a,b","say ""hi""",,x"#, &mut f);
        assert_eq!(f, ["1", "a,b", r#"say "hi""#, "", "x"]);
    }
}
