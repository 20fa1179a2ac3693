#include "core/model/modelsummary.h"

#include <QJsonArray>
#include <QLocale>
#include <QStringList>

namespace graft {

QString ModelSummary::outputShapeText(const Layer &layer)
{
    if (layer.outputShapes.isEmpty())
        return QStringLiteral("?");
    QStringList parts;
    for (const Shape &shape : layer.outputShapes)
        parts << shapeToString(shape);
    return parts.size() == 1 ? parts.front() : QStringLiteral("[%1]").arg(parts.join(QStringLiteral(", ")));
}

Shape ModelSummary::inputShape(const LoadedModel &model)
{
    return model.model.inputs.isEmpty() ? Shape() : model.model.inputs.front().shape;
}

QString ModelSummary::table(const LoadedModel &model)
{
    const QLocale c = QLocale::c();
    auto number = [&](std::int64_t n) {
        QLocale l = c;
        l.setNumberOptions(QLocale::DefaultNumberOptions);
        return l.toString(qlonglong(n));
    };
    QStringList rows;
    int nameWidth = 28, shapeWidth = 26;
    for (const Layer &layer : model.model.layers) {
        const QString type = layer.className.isEmpty() ? QStringLiteral("?") : layer.className;
        nameWidth = std::max<int>(nameWidth, int(layer.name.size() + type.size() + 4));
        shapeWidth = std::max<int>(shapeWidth, int(outputShapeText(layer).size() + 2));
    }
    const int width = nameWidth + shapeWidth + 14;
    QString text;
    text += QStringLiteral("Model: \"%1\"  (%2, Keras %3)\n")
                .arg(model.model.name.isEmpty() ? QStringLiteral("model") : model.model.name, model.format,
                     model.kerasVersion.isEmpty() ? QStringLiteral("unknown") : model.kerasVersion);
    text += QString(width, QLatin1Char('_')) + QLatin1Char('\n');
    text += QStringLiteral("Layer (type)").leftJustified(nameWidth)
            + QStringLiteral("Output Shape").leftJustified(shapeWidth) + QStringLiteral("Param #") + QLatin1Char('\n');
    text += QString(width, QLatin1Char('=')) + QLatin1Char('\n');
    for (int i = 0; i < model.model.layers.size(); ++i) {
        const Layer &layer = model.model.layers.at(i);
        QString type = layer.className.isEmpty() ? QStringLiteral("?") : layer.className;
        if (layer.classGuessed && !layer.className.isEmpty())
            type += QLatin1Char('?');
        QString name = QStringLiteral("%1 (%2)").arg(layer.name, type);
        if (!layer.supported)
            name += QStringLiteral(" [unsupported]");
        text += name.leftJustified(nameWidth) + QLatin1Char(' ') + outputShapeText(layer).leftJustified(shapeWidth - 1)
                + number(layer.params().total) + QLatin1Char('\n');
        text += QString(width, i + 1 == model.model.layers.size() ? QLatin1Char('=') : QLatin1Char('_'))
                + QLatin1Char('\n');
    }
    const ParamCount p = model.params();
    text += QStringLiteral("Total params: %1\nTrainable params: %2\nNon-trainable params: %3\n")
                .arg(number(p.total), number(p.trainable), number(p.nonTrainable));
    for (const QString &warning : model.warnings)
        text += QStringLiteral("Warning: %1\n").arg(warning);
    return text;
}

QJsonObject ModelSummary::json(const LoadedModel &model)
{
    QJsonObject root;
    root.insert(QStringLiteral("format"), model.format);
    root.insert(QStringLiteral("keras_version"),
                model.kerasVersion.isEmpty() ? QJsonValue() : QJsonValue(model.kerasVersion));
    root.insert(QStringLiteral("has_architecture"), model.hasArchitecture);
    QJsonValue inputShape;
    if (model.hasArchitecture && !model.model.inputs.isEmpty()) {
        QJsonArray dims;
        dims.append(QJsonValue());
        for (std::int64_t d : model.model.inputs.front().shape)
            dims.append(d < 0 ? QJsonValue() : QJsonValue(qint64(d)));
        inputShape = dims;
    }
    root.insert(QStringLiteral("input_shape"), inputShape);
    QJsonArray layers;
    for (const Layer &layer : model.model.layers) {
        QJsonObject entry;
        entry.insert(QStringLiteral("name"), layer.name);
        entry.insert(QStringLiteral("class"), layer.className);
        if (layer.classGuessed)
            entry.insert(QStringLiteral("class_guessed"), true);
        QJsonValue shape;
        if (layer.outputShapes.size() == 1) {
            QJsonArray dims;
            dims.append(QJsonValue());
            for (std::int64_t d : layer.outputShapes.front())
                dims.append(d < 0 ? QJsonValue() : QJsonValue(qint64(d)));
            shape = dims;
        } else if (layer.outputShapes.size() > 1) {
            QJsonArray shapes;
            for (const Shape &s : layer.outputShapes) {
                QJsonArray dims;
                dims.append(QJsonValue());
                for (std::int64_t d : s)
                    dims.append(d < 0 ? QJsonValue() : QJsonValue(qint64(d)));
                shapes.append(dims);
            }
            shape = shapes;
        }
        entry.insert(QStringLiteral("output_shape"), shape);
        const ParamCount p = layer.params();
        entry.insert(QStringLiteral("params"), qint64(p.total));
        entry.insert(QStringLiteral("trainable"), qint64(p.trainable));
        entry.insert(QStringLiteral("non_trainable"), qint64(p.nonTrainable));
        entry.insert(QStringLiteral("supported"), layer.supported);
        if (!layer.keras3Path.isEmpty())
            entry.insert(QStringLiteral("path"), layer.keras3Path);
        if (!layer.issues.isEmpty())
            entry.insert(QStringLiteral("issues"), QJsonArray::fromStringList(layer.issues));
        layers.append(entry);
    }
    root.insert(QStringLiteral("layers"), layers);
    const ParamCount p = model.params();
    root.insert(QStringLiteral("total_params"), qint64(p.total));
    root.insert(QStringLiteral("trainable_params"), qint64(p.trainable));
    root.insert(QStringLiteral("non_trainable_params"), qint64(p.nonTrainable));
    root.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(model.warnings));
    return root;
}

} // namespace graft
