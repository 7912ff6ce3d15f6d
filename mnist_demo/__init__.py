"""mnist-demo: recognize a handwritten digit from a sketch, a webcam shot, a photo or MNIST itself.

from mnist_demo import DigitRecognizer, NoDigitFound
rec = DigitRecognizer.load()
pred = rec.predict("photo.jpg", source="upload", tta=True)
print(pred.label, pred.top3, pred.quality.badge)
"""

from .errors import InvalidImage, NoDigitFound
from .loading import load_model
from .recognizer import DigitRecognizer, NumberReading, Prediction

__all__ = ["DigitRecognizer", "InvalidImage", "NoDigitFound", "NumberReading", "Prediction", "load_model"]
