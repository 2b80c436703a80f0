"""A tiny random causal LM and a tokenizer trained on the spot, saved like a real model folder."""

from __future__ import annotations

from pathlib import Path

CORPUS = [
    "Meet the Vitamin C Glow Serum, now only twenty-seven euros ninety!",
    "Le sérum éclat à la vitamine C, seulement vingt-sept euros quatre-vingt-dix !",
    "Welcome to the live stream, I am your AI host for today.",
    "Sizes S, M and L are in stock, in navy and white.",
    "Tap the link on screen to order yours.",
]
CHAT_TEMPLATE = (
    "{% for m in messages %}<s>{{ m.role }}\n{{ m.content }}</s>\n{% endfor %}"
    "{% if add_generation_prompt %}<s>assistant\n{% endif %}"
)


def save_tiny_llm(folder: Path, *, chat_template: bool = True, seed: int = 0) -> Path:
    """A 2-layer Llama with random weights and a 300-token BPE tokenizer, in `folder`."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<unk>", "<s>", "</s>", "<pad>"]
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace()
    bpe.decoder = decoders.Metaspace()
    bpe.train_from_iterator(
        CORPUS * 10, trainers.BpeTrainer(vocab_size=300, special_tokens=specials)
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        unk_token="<unk>",
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
    )
    if chat_template:
        tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(folder)
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=3,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder
