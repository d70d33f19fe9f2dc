#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/: small valid inputs of every feature the
readers support, plus a few broken ones near the edges (truncated, wrong magic, wrong checksum).
Names: err_* must be refused (with a message), any_* may go either way, the rest must be accepted;
tests/test_corpus_replay.cpp checks this. Deterministic: run it again and the files come out the same (gzip mtime is 0).

    python3 fuzz/make_seeds.py        # rewrites the seeds; new fuzzer finds are kept alongside
"""
import gzip, os, struct, zlib

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def raw_deflate(data, level=9, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
    return c.compress(data) + c.flush()


# --- model text ------------------------------------------------------------------------------------
models = {
    "lenet5.txt": open(os.path.join(os.path.dirname(root), "..", "assets", "presets", "lenet5.txt")).read(),
    "mlp.txt": "input 1x1x2\ndense 16\nrelu\ndense 16\ntanh\ndense 3\nsoftmax\n",
    "conv_options.txt": "input 32x30x3\nconv 8 k3x5 s2x1 p1x2 d2 nobias\nleakyrelu a0.1\n"
                        "conv 4 k3 same\nbatchnorm\nsigmoid\navgpool k3 s2 p1\nconv 4 k2 full\n"
                        "maxpool k2\ngap\ndropout 0.3\nfc 5\nsoftmax\n",
    "flatten_valid.txt": "# comment line\n\ninput 8x8x1   # trailing comment\nconv 2 k3 valid\n"
                         "flatten\ndense 1\nsigmoid\n",
    "one_line.txt": "input 28x28x1; conv 6 k5 p2; relu; maxpool k2 s2; dense 10; softmax",
    "crlf_tabs.txt": "input 4x4x1\r\n\tconv 2 k3\t p1\r\nrelu\r\ndense 2\r\n",
    "err_keyword.txt": "input 28x28x1\nconvolution 6 k5\n",
    "err_no_input.txt": "conv 6 k5\nrelu\n",
    "err_shrinks.txt": "input 4x4x1\nconv 2 k5\n",
    "any_huge.txt": "input 65536x65536x3\nconv 65536 k3\ndense 65536\n",
    "err_overflow.txt": "input 99999999999999999999x1x1\n",
    "err_options.txt": "input 8x8x1\nconv 2 k0 s-1 p1x2x3 d\nleakyrelu a\ndropout 1.5\nmaxpool k2 s0\n",
    "err_empty.txt": "",
    "stride_uncovered.txt": "input 10x10x1\nmaxpool k3 s4\ndense 2\n",
}
for name, text in models.items():
    put("model_text", name, text)

# --- network: model text that builds, for forward/backward on odd shapes ---------------------------
nets = {
    "lenet5.txt": models["lenet5.txt"],
    "mlp.txt": models["mlp.txt"],
    "conv_options.txt": models["conv_options.txt"],
    "flatten_valid.txt": models["flatten_valid.txt"],
    "pad_beyond_kernel.txt": "input 3x3x1\nconv 2 k3 p4\nmaxpool k3 s2 p1\navgpool k2 s3 p1\ndense 2\nsoftmax\n",
    "one_pixel.txt": "input 1x1x1\nconv 1 k1\nbatchnorm\nrelu\ngap\ndense 1\nsigmoid\n",
    "dilated_stride.txt": "input 17x13x2\nconv 3 k3x2 s3x2 d2x3 same\ntanh\nmaxpool k2x3 s1x2\nflatten\ndropout 0.9\ndense 4\n",
    "full_pad.txt": "input 5x4x3\nconv 4 k5 full nobias\nleakyrelu a0.3\nconv 2 k2 s2 valid\nbatchnorm\ngap\nsoftmax\n",
}
for name, text in nets.items():
    put("network", name, text)

# --- IDX (a pair: u16le length of the images part, images, labels) ---------------------------------
def idx(dims, data, type_code=0x08):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)


def pair(images, labels):
    return struct.pack("<H", len(images)) + images + labels


imgs = idx([4, 3, 3], [(i * 37) % 256 for i in range(36)])
labs = idx([4], [0, 1, 2, 1])
put("idx", "pair_valid", pair(imgs, labs))
put("idx", "pair_gzip", pair(gz(imgs), gz(labs)))
put("idx", "pair_rgb", pair(idx([4, 2, 2, 3], range(48)), idx([4], [1, 0, 1, 0])))
put("idx", "err_pair_label_mismatch", pair(imgs, idx([3], [0, 1, 2])))
put("idx", "err_pair_float_type", pair(idx([1, 2, 2], [0] * 16, 0x0D), labs))
put("idx", "err_pair_truncated", pair(imgs[:-5], labs))
put("idx", "err_pair_huge_dims", pair(idx([60000, 65535, 65535], []), labs))
put("idx", "err_pair_bad_magic", pair(b"\x01\x02" + imgs[2:], labs))
put("idx", "single_4d", idx([1, 2, 2, 1], [9, 8, 7, 6]))  # one IDX file, not a pair
put("idx", "single_gzip", gz(idx([2, 2], [1, 2, 3, 4])))

# --- CSV -------------------------------------------------------------------------------------------
put("csv", "image_2x2.csv", "label,p1,p2,p3,p4\n0,0,255,128,3\n1,10,20,30,40\n0,1,2,3,4\n1,255,255,0,0\n")
put("csv", "points.csv", "0,0.5,-0.25\n1,1.5,2.0\n0,-1e-3,3e2\n1,0.0,0.0\n2,1,1\n2,2,2\n")
put("csv", "words.csv", "animal,x,y\ncat,0.1,0.2\ndog,0.3,0.4\ncat,0.5,0.6\ndog,0.7,0.8\n")
put("csv", "rgb_1x1.csv", "0,1,2,3\n1,4,5,6\n0,7,8,9\n1,10,11,12\n")
put("csv", "crlf_blank.csv", "0,1,2\r\n\r\n1,3,4\r\n0,5,6\r\n1,7,8\r\n")
put("csv", "err_ragged.csv", "0,1,2\n1,3\n")
put("csv", "err_nan.csv", "0,nan,1\n1,inf,2\n")
put("csv", "err_range.csv", "0,1,2,3,999\n1,4,5,6,7\n")
put("csv", "err_text_value.csv", "0,1,abc\n1,2,3\n")
put("csv", "err_empty.csv", "")
put("csv", "err_header_only.csv", "label,x,y\n")

# --- gzip / DEFLATE --------------------------------------------------------------------------------
text = b"the quick brown fox jumps over the lazy dog " * 20
put("gzip", "dynamic.gz", gz(text))
put("gzip", "fixed.gz", gzip.compress(b"abcabcabcabc", compresslevel=1, mtime=0))
put("gzip", "stored.gz", gz(os.urandom(0) + bytes(range(256))))  # incompressible: stored block
put("gzip", "empty.gz", gz(b""))
put("gzip", "two_members.gz", gz(b"first ") + gz(b"second"))
header_fields = bytearray(gz(b"with name and comment"))
header_fields[3] = 0x18  # FNAME | FCOMMENT, both zero-terminated after the 10-byte header
header_fields[10:10] = b"file.txt\x00a comment\x00"
put("gzip", "fname_fcomment.gz", bytes(header_fields))
bad_crc = bytearray(gz(text))
bad_crc[-8] ^= 0xFF
put("gzip", "err_crc.gz", bytes(bad_crc))
put("gzip", "err_truncated.gz", gz(text)[:-12])
put("gzip", "raw_dynamic.deflate", raw_deflate(text))
put("gzip", "raw_huffman_only.deflate", raw_deflate(text, 9, zlib.Z_HUFFMAN_ONLY))
put("gzip", "raw_rle.deflate", raw_deflate(b"\x00" * 3000, 9, zlib.Z_RLE))
put("gzip", "err_block_type3.deflate", b"\x07\x00")

# --- model files (.cnnmodel, engine/include/cnn/model_file.h) --------------------------------------
def model_file(text, settings=b"", weights=(), version=1, crc_fix=0):
    body = text + settings + b"".join(struct.pack("<f", w) for w in weights)
    head = b"CNNSBX\x1a\n" + struct.pack("<IIIQ", version, len(text), len(settings), len(weights))
    crc = (zlib.crc32(body, zlib.crc32(head)) ^ crc_fix) & 0xFFFFFFFF
    return head + struct.pack("<I", crc) + body


mlp = b"input 1x1x2\ndense 3\nsoftmax\n"                     # 9 parameters
bn = b"input 1x1x2\ndense 3\nbatchnorm\nsoftmax\n"          # 9 + gamma, beta 3 each + 3 + 3 stats
w9 = [0.5, -0.25, 1.0, 0.0, 2.0, -1.5, 0.1, 0.2, 0.3]
put("model_file", "mlp_weights.cnnmodel", model_file(mlp, b"v=1&data=spirals&lr=0.01", w9))
put("model_file", "architecture_only.cnnmodel", model_file(mlp))
put("model_file", "batchnorm_stats.cnnmodel", model_file(bn, b"", w9 + [1, 1, 1, 0, 0, 0, 0.5, -0.5, 0, 1, 2, 3]))
put("model_file", "lenet_text_only.cnnmodel", model_file(models["lenet5.txt"].encode(), b"v=1&data=digits"))
put("model_file", "err_crc.cnnmodel", model_file(mlp, b"", w9, crc_fix=1))
put("model_file", "err_newer_version.cnnmodel", model_file(mlp, b"", w9, version=2))
put("model_file", "err_truncated.cnnmodel", model_file(mlp, b"", w9)[:-3])
put("model_file", "err_weight_count.cnnmodel", model_file(mlp, b"", w9[:8]))
put("model_file", "err_nan_weight.cnnmodel", model_file(mlp, b"", w9[:8] + [float("nan")]))
put("model_file", "err_bad_model.cnnmodel", model_file(b"input 4x4x1\nconv 2 k5\n"))
put("model_file", "err_not_ours.cnnmodel", gz(b"hello"))

# --- URL state (engine/include/cnn/url_state.h) ----------------------------------------------------
put("url_state", "full.txt", "#v=1&data=digits&opt=adam&lr=0.003&batch=32&epochs=10&seed=1&tab=designer"
    "&model=input+28x28x1%0Aconv+8+k3+s2%0Arelu%0Adense+10%0Asoftmax%0A")
put("url_state", "empty.txt", "")
put("url_state", "hash_only.txt", "#")
put("url_state", "preset_embed.txt", "preset=lenet5&embed=1&lock=1&panels=inspect,plots&sched=cosine&gamma=0.5&sched_epochs=3")
put("url_state", "momentum.txt", "opt=momentum&mom=0.95&wd=0.0005&eval_every=100&eval_samples=1000")
put("url_state", "err_newer.txt", "v=2&data=digits")
put("url_state", "err_repeated.txt", "lr=0.1&lr=0.2")
put("url_state", "err_unknown_key.txt", "learning_rate=0.1")
put("url_state", "err_escape.txt", "model=input%2")
put("url_state", "err_trailing.txt", "batch=32x")
put("url_state", "err_range.txt", "lr=0")
put("url_state", "err_script.txt", "data=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
put("url_state", "err_control.txt", "model=input+1x1x2%00dense+2")
put("url_state", "err_model_and_preset.txt", "model=input+1x1x2&preset=lenet5")

# --- packed subset ---------------------------------------------------------------------------------
def packed(n_train, n_test, h, w, c, names, set_name=b"mini"):
    k = len(names)
    names_b = b"\n".join(names)
    hdr = b"CNNPACK1" + struct.pack("<8I", n_train, n_test, h, w, c, k, len(set_name), len(names_b))
    tl = bytes(i % k for i in range(n_train))
    sl = bytes((i + 1) % k for i in range(n_test))
    px = bytes((i * 13) % 256 for i in range((n_train + n_test) * h * w * c))
    return hdr + set_name + names_b + tl + sl + px


p = packed(6, 3, 2, 2, 1, [b"shirt", b"shoe", b"bag"])
put("packed", "valid.bin", p)
put("packed", "valid.bin.gz", gz(p))
put("packed", "rgb.bin", packed(2, 1, 1, 2, 3, [b"a", b"b"]))
put("packed", "err_truncated.bin", p[:-3])
put("packed", "err_magic.bin", b"CNNPACK2" + p[8:])
put("packed", "err_huge.bin", b"CNNPACK1" + struct.pack("<8I", 200001, 1, 256, 256, 3, 10, 0, 0))
put("packed", "err_label.bin", packed(2, 1, 1, 1, 1, [b"a"])[:-5] + b"\x07\x00\x00\x01\x02")

# --- lessons (cnn/lesson.h) ------------------------------------------------------------------------
lessons_dir = os.path.join(os.path.dirname(root), "..", "assets", "lessons")
for name in ("entropy", "backprop", "conv-output-size", "pooling-vs-stride", "training"):  # model: blocks, no preset
    put("lesson", name + ".txt", open(os.path.join(lessons_dir, name + ".txt")).read())
put("lesson", "preset.txt", "title: T\npreset: tiny\npanel: inside field\nexercise: number\nask: a\nanswer: rf_pixels 3\n"
                            "tolerance: 0.1\nunit: pixels\nexercise: task\nask: b\ncheck: rf_last >= 3 and opt = sgd\ndone: ok\n")
put("lesson", "crlf.txt", "title: T\r\ntext:\r\n  a\r\n\r\n  b\r\nexercise: choice\r\nask: q\r\nright: x\r\nwhy: y\r\nwrong: z\r\nwhy: w\r\n")
put("lesson", "err_no_title.txt", "notes: Section 1\n")
put("lesson", "err_unknown_key.txt", "title: T\ncolour: red\n")
put("lesson", "err_answer_layer.txt", "title: T\npreset: tiny\nexercise: number\nask: a\nanswer: params 9\n")
put("lesson", "err_model.txt", "title: T\nmodel:\n  input 8x8x1\n  conv 2 k9\n")
put("lesson", "err_why.txt", "title: T\nexercise: choice\nask: a\nright: x\nwrong: y\nwhy: z\n")
put("lesson", "err_check.txt", "title: T\nexercise: task\nask: a\ncheck: speed > 1\n")
put("lesson", "err_settings.txt", "title: T\nsettings: lr=0\n")
