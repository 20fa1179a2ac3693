#pragma once

#include "core/common/expected.h"
#include "core/dataset/samplesettings.h"

#include <QString>

#include <vector>

namespace graft {

/** Decoded pixels, height × width × channels, values 0–255 as float. */
struct DecodedImage
{
    int height = 0;
    int width = 0;
    int channels = 0;
    std::vector<float> pixels;
};

/**
 * tf.image.resize(method='bilinear', antialias=False) as Keras's
 * image_dataset_from_directory calls it: half-pixel centres, TF's CPU kernel
 * arithmetic in float32 (scale = in/out, in = (out + 0.5) * scale - 0.5,
 * lower = max(floor(in), 0), upper = min(ceil(in), size - 1)). HWC in and out.
 */
std::vector<float> resizeBilinearHalfPixel(const float *source, int height, int width, int channels, int outHeight,
                                           int outWidth);

/**
 * Decodes an image file into `mode`'s channels the way tf.io.decode_image(channels=…)
 * does: alpha dropped for rgb, opaque alpha added for rgba, and grayscale from
 * colour with libpng's fixed-point ITU-R 601 weights (TF's png_set_rgb_to_gray(0.299, 0.587)).
 * EXIF orientation is ignored, as TF ignores it.
 */
Expected<DecodedImage> decodeImage(const QString &path, ColorMode mode);

/** decodeImage, resize to the settings' size, scale, and lay out as HWC or CHW. */
Expected<std::vector<float>> loadImageSample(const QString &path, const ImageSettings &settings);

} // namespace graft
