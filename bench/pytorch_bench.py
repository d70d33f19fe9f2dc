"""PyTorch side of bench/compare.mjs: the issue's two nets, one thread, batch 32, float32, random data,
plain SGD with cross-entropy; median samples/s of several timed runs after a warm-up. Prints one JSON
object on stdout. Run with Debian's python3 (python3-torch): /usr/bin/python3 bench/pytorch_bench.py

  --runs N     timed runs (default 5)     --clock cpu|wall   (default cpu: this process's CPU time)
"""
import json
import statistics
import sys
import time


def main():
    args = sys.argv[1:]
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 5
    clock = args[args.index("--clock") + 1] if "--clock" in args else "cpu"
    now = time.process_time if clock == "cpu" else time.perf_counter
    try:
        import torch
        from torch import nn
    except ImportError as e:
        print(json.dumps({"error": f"not installed ({e}); apt install python3-torch"}))
        return 0
    torch.set_num_threads(1)
    torch.manual_seed(0)
    batch = 32

    def lenet5():
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    def wide():
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))

    def rate(fn, warm_s=1.0, run_s=0.6):
        t0 = now()
        calls = 0
        while calls < 2 or now() - t0 < warm_s:
            fn()
            calls += 1
        t0 = now()
        fn()
        one = max(now() - t0, 1e-6)
        reps = max(1, round(run_s / one))
        rates = []
        for _ in range(runs):
            t0 = now()
            for _ in range(reps):
                fn()
            rates.append(batch * reps / max(now() - t0, 1e-9))
        return statistics.median(rates)

    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "clock": clock, "results": {}}
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    for name, make in (("lenet5", lenet5), ("wide", wide)):
        model = make()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = nn.CrossEntropyLoss()  # log-softmax + NLL: the sandbox's fused softmax + cross-entropy

        def train_step():
            opt.zero_grad(set_to_none=False)
            loss_fn(model(x), y).backward()
            opt.step()

        def infer():
            with torch.no_grad():
                torch.softmax(model(x), dim=1)

        out["results"][f"{name}/train"] = rate(train_step)
        out["results"][f"{name}/infer"] = rate(infer)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
