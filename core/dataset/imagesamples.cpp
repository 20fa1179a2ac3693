#include "core/dataset/imagesamples.h"

#include "core/common/limits.h"

#include <QImage>
#include <QImageReader>

#include <algorithm>
#include <cmath>

namespace graft {

namespace {

struct Interpolation
{
    std::int64_t lower = 0;
    std::int64_t upper = 0;
    float lerp = 0.0f;
};

// TF's compute_interpolation_weights with HalfPixelScaler, kept in float32:
// the float rounding of `in` decides lerp, so double here would differ from TF.
std::vector<Interpolation> interpolationWeights(std::int64_t outSize, std::int64_t inSize)
{
    const float scale = float(inSize) / float(outSize);
    std::vector<Interpolation> weights(static_cast<std::size_t>(outSize));
    for (std::int64_t i = 0; i < outSize; ++i) {
        const float in = (float(i) + 0.5f) * scale - 0.5f;
        const float inFloor = std::floor(in);
        weights[std::size_t(i)].lower = std::max<std::int64_t>(std::int64_t(inFloor), 0);
        weights[std::size_t(i)].upper = std::min<std::int64_t>(std::int64_t(std::ceil(in)), inSize - 1);
        weights[std::size_t(i)].lerp = in - inFloor;
    }
    return weights;
}

// libpng's 8-bit rgb_to_gray without gamma: coefficients 0.299 and 0.587 in
// 1/100000 fixed point scaled to 1/32768 by truncation, blue takes the rest,
// and the sum is truncated (>> 15).
constexpr std::uint32_t grayRed = 29900u * 32768u / 100000u;
constexpr std::uint32_t grayGreen = 58700u * 32768u / 100000u;
constexpr std::uint32_t grayBlue = 32768u - grayRed - grayGreen;

float toGray(std::uint32_t r, std::uint32_t g, std::uint32_t b)
{
    if (r == g && r == b)
        return float(r);
    return float((grayRed * r + grayGreen * g + grayBlue * b) >> 15);
}

} // namespace

std::vector<float> resizeBilinearHalfPixel(const float *source, int height, int width, int channels, int outHeight,
                                           int outWidth)
{
    const std::vector<Interpolation> ys = interpolationWeights(outHeight, height);
    const std::vector<Interpolation> xs = interpolationWeights(outWidth, width);
    std::vector<float> result(std::size_t(outHeight) * outWidth * channels);
    const std::size_t rowStride = std::size_t(width) * channels;
    float *out = result.data();
    for (int y = 0; y < outHeight; ++y) {
        const float *top = source + ys[y].lower * rowStride;
        const float *bottom = source + ys[y].upper * rowStride;
        const float yLerp = ys[y].lerp;
        for (int x = 0; x < outWidth; ++x) {
            const std::size_t left = std::size_t(xs[x].lower) * channels;
            const std::size_t right = std::size_t(xs[x].upper) * channels;
            const float xLerp = xs[x].lerp;
            for (int c = 0; c < channels; ++c) {
                const float topLeft = top[left + c];
                const float topRight = top[right + c];
                const float bottomLeft = bottom[left + c];
                const float bottomRight = bottom[right + c];
                const float topValue = topLeft + (topRight - topLeft) * xLerp;
                const float bottomValue = bottomLeft + (bottomRight - bottomLeft) * xLerp;
                *out++ = topValue + (bottomValue - topValue) * yLerp;
            }
        }
    }
    return result;
}

Expected<DecodedImage> decodeImage(const QString &path, ColorMode mode)
{
    QImageReader reader(path);
    reader.setDecideFormatFromContent(true);
    reader.setAutoTransform(false);
    const QSize size = reader.size();
    if (size.isValid() && qint64(size.width()) * size.height() * 4 > limits::maxTensorElements)
        return Error{
            QStringLiteral("%1: image of %2 × %3 pixels is too large").arg(path).arg(size.width()).arg(size.height())};
    QImage image = reader.read();
    if (image.isNull())
        return Error{QStringLiteral("%1: cannot be decoded as an image: %2").arg(path, reader.errorString())};
    // Non-premultiplied RGBA keeps the colour of transparent pixels, as libpng gives them.
    image = image.convertToFormat(QImage::Format_RGBA8888);

    DecodedImage decoded;
    decoded.height = image.height();
    decoded.width = image.width();
    decoded.channels = mode == ColorMode::Grayscale ? 1 : mode == ColorMode::Rgb ? 3 : 4;
    decoded.pixels.resize(std::size_t(decoded.height) * decoded.width * decoded.channels);
    float *out = decoded.pixels.data();
    for (int y = 0; y < decoded.height; ++y) {
        const uchar *line = image.constScanLine(y);
        for (int x = 0; x < decoded.width; ++x) {
            const uchar *px = line + 4 * x;
            switch (mode) {
            case ColorMode::Grayscale: *out++ = toGray(px[0], px[1], px[2]); break;
            case ColorMode::Rgb:
                *out++ = px[0];
                *out++ = px[1];
                *out++ = px[2];
                break;
            case ColorMode::Rgba:
                *out++ = px[0];
                *out++ = px[1];
                *out++ = px[2];
                *out++ = px[3];
                break;
            }
        }
    }
    return decoded;
}

Expected<std::vector<float>> loadImageSample(const QString &path, const ImageSettings &settings)
{
    if (settings.height <= 0 || settings.width <= 0)
        return Error{QStringLiteral("Image size %1 × %2 is not positive").arg(settings.height).arg(settings.width)};
    auto decoded = decodeImage(path, settings.colorMode);
    if (!decoded)
        return decoded.error();
    std::vector<float> pixels = resizeBilinearHalfPixel(decoded->pixels.data(), decoded->height, decoded->width,
                                                        decoded->channels, settings.height, settings.width);
    if (settings.scale == PixelScale::UnitInterval) {
        // Keras's Rescaling(1/255) multiplies by the float32 constant.
        const float scale = 1.0f / 255.0f;
        for (float &v : pixels)
            v *= scale;
    }
    if (!settings.channelsFirst)
        return pixels;
    const int c = decoded->channels;
    const std::size_t plane = std::size_t(settings.height) * settings.width;
    std::vector<float> planar(pixels.size());
    for (std::size_t i = 0; i < plane; ++i) {
        for (int k = 0; k < c; ++k)
            planar[k * plane + i] = pixels[i * c + k];
    }
    return planar;
}

} // namespace graft
