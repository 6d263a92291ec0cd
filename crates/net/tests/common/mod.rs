//! Shared by the relay and listener tests: servers on ephemeral 127.0.0.1 ports, and a raw TCP
//! server that records the exact bytes it receives and answers without any CORS header.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server that records each request's raw bytes (head and body) and answers `answer`.
pub struct Raw {
    pub url: String,
    pub received: Arc<Mutex<Vec<Vec<u8>>>>,
}

/// What a raw server answers: the bytes to write, or nothing at all (it hangs).
#[derive(Clone)]
pub enum Answer {
    Bytes(Vec<u8>),
    Hang,
}

pub fn ok_answer(body: &str) -> Answer {
    // The head in ISO-8859-1 (one byte a character), the body in UTF-8.
    let head = format!(
        "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nX-Upstream: caf\u{e9}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut bytes: Vec<u8> = head.chars().map(|c| c as u32 as u8).collect();
    bytes.extend_from_slice(body.as_bytes());
    Answer::Bytes(bytes)
}

pub async fn raw_server(answer: Answer) -> Raw {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = received.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let log = log.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                let bytes = read_request(&mut socket).await;
                log.lock().unwrap().push(bytes);
                match answer {
                    Answer::Bytes(reply) => {
                        let _ = socket.write_all(&reply).await;
                        let _ = socket.shutdown().await;
                    }
                    Answer::Hang => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    Raw { url, received }
}

/// Reads a request head and, by Content-Length, its body.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = socket.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            return bytes;
        }
        bytes.extend_from_slice(&buf[..n]);
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap_or(0));
            while bytes.len() < end + 4 + length {
                let n = socket.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                bytes.extend_from_slice(&buf[..n]);
            }
            return bytes;
        }
    }
}

/// The head lines and the body of a raw request.
pub fn split(request: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let end = request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = request[..end]
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect();
    (head, request[end + 4..].to_vec())
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}
