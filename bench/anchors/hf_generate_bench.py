# HF transformers generate() speed for random Llama models of Jpeg-LM shape (vocab 600), bf16 on GPU: the anchor
# of ../shared/ANCHORS.md (measured there with this same code, both shapes), run by scripts/gpu-check.
#   python3 hf_generate_bench.py [tiny,7b|tiny|7b|tiny-small]    (tiny-small: batch 1 and 4, 16 new tokens)
import sys, time, torch
from transformers import LlamaConfig, LlamaForCausalLM
def bench(name, cfg, batches, new=256):
    torch.manual_seed(0)
    with torch.device('cuda'):
        m = LlamaForCausalLM(cfg).to(torch.bfloat16).eval()
    n = sum(p.numel() for p in m.parameters())
    for bs in batches:
        ids = torch.randint(3, cfg.vocab_size, (bs, 16), device='cuda')
        m.generate(ids, do_sample=True, top_p=0.9, max_new_tokens=16, min_new_tokens=16, pad_token_id=0)
        torch.cuda.synchronize(); t = time.time()
        m.generate(ids, do_sample=True, top_p=0.9, max_new_tokens=new, min_new_tokens=new, pad_token_id=0)
        torch.cuda.synchronize(); dt = time.time() - t
        print(f"HF {name} params={n/1e6:.1f}M batch={bs} new={new}: {bs*new/dt:.1f} tok/s ({dt/new*1000:.2f} ms/step)", flush=True)
    del m; torch.cuda.empty_cache()
tiny = LlamaConfig(vocab_size=600, hidden_size=512, intermediate_size=1536, num_hidden_layers=8, num_attention_heads=8, num_key_value_heads=8, max_position_embeddings=4096)
big = LlamaConfig(vocab_size=600, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32, max_position_embeddings=8192)
shapes = (sys.argv[1] if len(sys.argv) > 1 else 'tiny,7b').split(',')
if 'tiny' in shapes: bench('tiny', tiny, [1, 16, 64])
if 'tiny-small' in shapes: bench('tiny', tiny, [1, 4], new=16)
if '7b' in shapes: bench('7B', big, [1, 16], new=128)
