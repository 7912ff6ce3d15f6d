"""The CNN: four convolution blocks (32, 64, 128, 256 filters) and a softmax over the ten digits and two kinds of non-digit.

Two extra outputs besides the digits. NOT_A_DIGIT is trained on letters, symbols,
scribbles and noise (outlier exposure): the model learns what a digit is not, which
a ten-way softmax cannot say. SEVERAL_DIGITS is trained on two digits written into
each other: a number reader must cut such a shape, not read it as its wider digit.
They are apart because they answer different questions: "is this a digit at all?"
(the single-digit verdict) and "is this one digit?" (the number reader); one class
for both taught the model to call real digits that look like a pair "not a digit".
The logits pass through a fixed temperature (a ``Rescaling`` layer, set after
training by calibration) before the softmax.
"""

from __future__ import annotations

import keras
from keras import layers

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10  # the digits
NOT_A_DIGIT = 10  # index of the output for "not a digit at all"
SEVERAL_DIGITS = 11  # index of the output for "two or more digits in one shape"
NUM_OUTPUTS = 12
MAX_PARAMS = 400_000


def conv_block(x, filters: int, *, name: str, convs: int = 2, kernel: int = 3, pool: bool, bn_momentum: float = 0.99):
    """``convs`` x (convolution, batch norm, ReLU), then, where asked, 2x2 max-pooling.

    The convolutions have no bias: batch norm's beta plays that role.
    """
    for i in range(1, convs + 1):
        x = layers.Conv2D(filters, kernel, padding="same", use_bias=False, name=f"{name}_conv{i}")(x)
        x = layers.BatchNormalization(momentum=bn_momentum, name=f"{name}_bn{i}")(x)
        x = layers.ReLU(name=f"{name}_relu{i}")(x)
    if pool:
        x = layers.MaxPooling2D(name=f"{name}_pool")(x)
    return x


def build_model(dropout: float = 0.3, bn_momentum: float = 0.99, temperature: float = 1.0) -> keras.Model:
    """Build the (uncompiled) classifier: 28x28x1 floats in [0, 1] -> 12 probabilities (10 digits, not a digit, several).

    28x28 -> block1 (32) -> pool 14x14 -> block2 (2 x 64) -> pool 7x7
    -> block3 (2 x 128) -> block4 (256, 1x1) -> global average pooling -> dropout -> dense 12
    -> logits / temperature -> softmax.

    Blocks 2 and 3 have two 3x3 convolutions each: depth where the maps are small
    and cheap (a second convolution at 28x28 costs a third more time for nothing
    measurable). Block 4 widens to 256 channels with a 1x1 convolution: a 3x3 one
    would take 295K parameters by itself. Global average pooling instead of
    flattening keeps the head at 2,570 weights. ``bn_momentum`` below 0.99 lets batch norm's running statistics keep up
    in runs of a few hundred steps (quick experiments, the tests).
    """
    inputs = keras.Input(INPUT_SHAPE, name="digit")
    x = conv_block(inputs, 32, name="block1", convs=1, pool=True, bn_momentum=bn_momentum)
    x = conv_block(x, 64, name="block2", pool=True, bn_momentum=bn_momentum)
    x = conv_block(x, 128, name="block3", pool=False, bn_momentum=bn_momentum)
    x = conv_block(x, 256, name="block4", convs=1, kernel=1, pool=False, bn_momentum=bn_momentum)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    x = layers.Dense(NUM_OUTPUTS, name="logits")(x)
    x = layers.Rescaling(1.0 / temperature, name="temperature")(x)
    outputs = layers.Softmax(name="probabilities")(x)
    return keras.Model(inputs, outputs, name="mnist_cnn")


def layer_table(model: keras.Model) -> list[list]:
    """One row per layer: name, type, output shape, parameters (for the app's model tab)."""
    rows = []
    for layer in model.layers:
        shape = tuple(layer.output.shape)
        rows.append(
            [layer.name, type(layer).__name__, "x".join("N" if d is None else str(d) for d in shape), layer.count_params()]
        )
    return rows
