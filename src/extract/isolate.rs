//! Extraction in child processes: a file whose extractor loops or balloons costs at most its
//! own time and memory limit. `catch_unwind` stops panics, not loops or runaway allocation, so
//! risky formats (PDF) are sent to warm worker processes — provisio's own binary started as
//! `provisio __extract-worker` — that cap their address space at start-up. A worker that runs
//! past the time limit is killed; one that dies (allocation failure under the limit, a crash)
//! is reported with what it printed last; both are replaced on the next request.
//!
//! OCR (scanned PDF pages, images) runs in the worker too, so Tesseract and pdftoppm inherit
//! its memory limit; the worker announces each page it is about to read and the parent
//! extends its deadline by one page timeout per page.
//!
//! Wire format on the worker's stdin: `[format: u8][len: u64 LE][bytes]`; on its stdout, any
//! number of frames `[len: u64 LE][JSON of Reply]`, the last one `Done`.

use super::ocr::{Ocr, OcrEvent};
use super::{extract_full, ExtractError, ExtractedDoc, Format};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One frame from a worker.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
enum Reply {
    /// Pages about to be read by OCR.
    Ocr(OcrEvent),
    Done(Result<ExtractedDoc, ExtractError>),
}

/// Default address-space limit of a worker.
pub const DEFAULT_MEMORY_LIMIT: u64 = 1024 * 1024 * 1024;
/// Largest response a worker may send (the text of one document).
const MAX_RESPONSE: u64 = 1024 * 1024 * 1024;
/// Bytes of a worker's stderr kept to explain its death.
const STDERR_TAIL: usize = 2048;

/// How to start workers.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The provisio binary (it must understand `__extract-worker`).
    pub exe: PathBuf,
    /// Address-space limit of each worker, in bytes.
    pub memory_limit: u64,
    /// OCR programs and settings the workers use.
    pub ocr: Ocr,
}

/// One running worker.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    responses: Receiver<std::io::Result<Vec<u8>>>,
    stderr_tail: Arc<Mutex<Vec<u8>>>,
}

impl Worker {
    fn spawn(config: &WorkerConfig) -> std::io::Result<Worker> {
        let mut child = Command::new(&config.exe)
            .arg("__extract-worker")
            .arg("--memory-limit")
            .arg(config.memory_limit.to_string())
            .arg("--ocr")
            .arg(serde_json::to_string(&config.ocr).map_err(std::io::Error::other)?)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("PROVISIO_LOG")
            // The worker's address space is capped (RLIMIT_AS): mimalloc must not reserve
            // its usual 1 GiB arena up front, or nothing else fits under the cap.
            .env("MIMALLOC_ARENA_RESERVE", "16MiB")
            .spawn()?;
        let (stdin, stdout, stderr) =
            match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
                (Some(i), Some(o), Some(e)) => (i, o, e),
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(std::io::Error::other("worker pipes missing"));
                }
            };
        let (tx, rx) = crossbeam_channel::bounded(1);
        std::thread::Builder::new()
            .name("extract-worker-out".into())
            .spawn(move || {
                let mut stdout = std::io::BufReader::new(stdout);
                loop {
                    let r = read_frame(&mut stdout);
                    let done = r.is_err();
                    if tx.send(r).is_err() || done {
                        break;
                    }
                }
            })?;
        let stderr_tail = Arc::new(Mutex::new(Vec::new()));
        let tail = stderr_tail.clone();
        std::thread::Builder::new()
            .name("extract-worker-err".into())
            .spawn(move || {
                let mut stderr = stderr;
                let mut buf = [0u8; 1024];
                while let Ok(n) = stderr.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut t) = tail.lock() {
                        t.extend_from_slice(&buf[..n]);
                        let excess = t.len().saturating_sub(STDERR_TAIL);
                        t.drain(..excess);
                    }
                }
            })?;
        Ok(Worker {
            child,
            stdin,
            responses: rx,
            stderr_tail,
        })
    }

    fn send(&mut self, format: Format, bytes: &[u8]) -> std::io::Result<()> {
        let tag = Format::ALL.iter().position(|f| *f == format).unwrap_or(0) as u8;
        self.stdin.write_all(&[tag])?;
        self.stdin.write_all(&(bytes.len() as u64).to_le_bytes())?;
        self.stdin.write_all(bytes)?;
        self.stdin.flush()
    }

    /// Kill the worker and say why it ended, from its exit status and last words.
    fn end(mut self) -> String {
        let _ = self.child.kill();
        let status = self.child.wait();
        // Give the stderr reader a moment to drain what the worker printed while dying.
        std::thread::sleep(Duration::from_millis(20));
        let said = self
            .stderr_tail
            .lock()
            .map(|t| String::from_utf8_lossy(&t).trim().to_string())
            .unwrap_or_default();
        // The most telling line: an allocation failure or a panic message, else the last.
        let lines: Vec<&str> = said
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let last = lines
            .iter()
            .rev()
            .find(|l| l.contains("memory allocation"))
            .or_else(|| lines.iter().rev().find(|l| l.contains("panicked")))
            .or(lines.last())
            .map_or(String::new(), |l| l.to_string());
        let how = match status {
            Ok(s) => describe_status(&s),
            Err(e) => format!("could not be waited for ({e})"),
        };
        if last.is_empty() {
            how
        } else {
            format!("{how}: {last}")
        }
    }
}

#[cfg(unix)]
fn describe_status(s: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (s.code(), s.signal()) {
        (_, Some(6)) => "aborted (out of memory?)".to_string(),
        (_, Some(9)) => "killed".to_string(),
        (_, Some(sig)) => format!("killed by signal {sig}"),
        (Some(code), _) => format!("exited with status {code}"),
        _ => "ended".to_string(),
    }
}

#[cfg(not(unix))]
fn describe_status(s: &std::process::ExitStatus) -> String {
    format!("ended ({s})")
}

fn read_frame(r: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 8];
    r.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    if len > MAX_RESPONSE {
        return Err(std::io::Error::other(format!("response of {len} bytes")));
    }
    let mut buf = vec![0u8; len as usize];
    r.read_exact(&mut buf)?;
    Ok(buf)
}

/// Warm workers shared by the extraction threads of one indexing run.
pub struct WorkerPool {
    config: WorkerConfig,
    timeout: Duration,
    idle: Mutex<Vec<Worker>>,
}

impl WorkerPool {
    pub fn new(config: WorkerConfig, timeout: Duration) -> WorkerPool {
        WorkerPool {
            config,
            timeout,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Extract `bytes` in a worker, within the time and memory limits (the time limit grows by
    /// one OCR page timeout for each page the worker reads by OCR; `on_event` hears of them).
    pub fn extract(
        &self,
        format: Format,
        bytes: &[u8],
        on_event: &mut dyn FnMut(OcrEvent),
    ) -> Result<ExtractedDoc, ExtractError> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let mut worker = match idle {
            Some(w) => w,
            None => Worker::spawn(&self.config).map_err(|e| {
                ExtractError::Crashed(format!("cannot start an extraction worker: {e}"))
            })?,
        };
        if worker.send(format, bytes).is_err() {
            // A stale worker (died while idle): one fresh attempt.
            let _ = worker.end();
            worker = Worker::spawn(&self.config).map_err(|e| {
                ExtractError::Crashed(format!("cannot start an extraction worker: {e}"))
            })?;
            if worker.send(format, bytes).is_err() {
                return Err(ExtractError::Crashed(worker.end()));
            }
        }
        let mut deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match worker.responses.recv_timeout(left) {
                Ok(Ok(payload)) => match serde_json::from_slice::<Reply>(&payload) {
                    Ok(Reply::Ocr(event)) => {
                        deadline = deadline.max(Instant::now() + self.config.ocr.allowance(event));
                        on_event(event);
                    }
                    Ok(Reply::Done(result)) => {
                        if let Ok(mut v) = self.idle.lock() {
                            v.push(worker);
                        }
                        return result;
                    }
                    Err(e) => {
                        let _ = worker.end();
                        return Err(ExtractError::Crashed(format!(
                            "unreadable worker reply: {e}"
                        )));
                    }
                },
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                    return Err(ExtractError::Crashed(worker.end()))
                }
                Err(RecvTimeoutError::Timeout) => {
                    let _ = worker.end();
                    return Err(ExtractError::Timeout(self.timeout.as_secs().max(1)));
                }
            }
        }
    }
}

impl Drop for WorkerPool {
    fn drop(&mut self) {
        if let Ok(mut v) = self.idle.lock() {
            for mut w in v.drain(..) {
                // Closing stdin ends a worker's loop; kill in case it is stuck.
                let _ = w.child.kill();
                let _ = w.child.wait();
            }
        }
    }
}

/// The worker's side: cap the address space, then extract requests from stdin until it closes.
pub fn worker_main(memory_limit: u64, ocr: &Ocr) -> std::io::Result<()> {
    limit_memory(memory_limit);
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut input = std::io::BufReader::new(stdin.lock());
    let mut output = std::io::BufWriter::new(stdout.lock());
    loop {
        let mut tag = [0u8; 1];
        match input.read_exact(&mut tag) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let mut len = [0u8; 8];
        input.read_exact(&mut len)?;
        let len = u64::from_le_bytes(len);
        let mut bytes = Vec::new();
        (&mut input).take(len).read_to_end(&mut bytes)?;
        let format = Format::ALL
            .get(usize::from(tag[0]))
            .copied()
            .unwrap_or(Format::Text);
        let mut write_error = None;
        let result = extract_full(format, &bytes, ocr, &mut |event| {
            if let Err(e) = send(&mut output, &Reply::Ocr(event)) {
                write_error.get_or_insert(e);
            }
        });
        if let Some(e) = write_error {
            return Err(e);
        }
        drop(bytes);
        send(&mut output, &Reply::Done(result))?;
    }
}

fn send(output: &mut impl Write, reply: &Reply) -> std::io::Result<()> {
    let payload = serde_json::to_vec(reply).map_err(std::io::Error::other)?;
    output.write_all(&(payload.len() as u64).to_le_bytes())?;
    output.write_all(&payload)?;
    output.flush()
}

#[cfg(unix)]
fn limit_memory(bytes: u64) {
    if let Err(e) = rlimit::setrlimit(rlimit::Resource::AS, bytes, bytes) {
        eprintln!("provisio worker: cannot limit memory to {bytes} bytes: {e}");
    }
}

#[cfg(not(unix))]
fn limit_memory(_bytes: u64) {}
