# Usage (Debian python3 with numpy): /usr/bin/python3 bench/ScheduleSearch.Bench.SearchQuality/fashion_stats.py /tmp/fashion-stats.npz
# The bench passes the file as --stats (the card of fashion-unet-eps has no statistics, so the file stays outside models/).
# Mean and full covariance of the 60,000 Fashion-MNIST training images scaled to [-1, 1] (as tools/modelzoo/train.py
# feeds them), in the layout of a card's statistics file (StatisticsFile: 'mean' [784], 'covariance' [784, 784]).
import gzip, sys, numpy as np
with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
    x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float64) / 127.5 - 1.0
np.savez(sys.argv[1], mean=x.mean(0), covariance=np.cov(x, rowvar=False))
print(x.shape)
