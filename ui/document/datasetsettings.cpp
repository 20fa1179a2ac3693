#include "ui/document/datasetsettings.h"

#include <QFileInfo>
#include <QObject>

namespace graft::ui {

namespace {

bool hasVocabulary(const ProjectText &text)
{
    return text.tokenizer == QLatin1String("wordpiece") || text.tokenizer == QLatin1String("textvectorization");
}

} // namespace

TextSourceSettings DatasetSettings::textSource() const
{
    TextSourceSettings source;
    if (hasVocabulary(text) && !text.vocabularyPath.isEmpty())
        source.tokenizer = text.tokenizer + QLatin1Char(':') + text.vocabularyPath; // TextTokenizer::fromSpec
    source.textColumn = text.textColumn;
    source.labelColumn = text.labelColumn;
    source.maxLength = text.maxLength;
    source.padding = text.padding;
    return source;
}

QString DatasetSettings::textProblem() const
{
    if (!hasVocabulary(text))
        return QObject::tr("Texts need a tokenizer: choose WordPiece or TextVectorization and the model's vocabulary "
                           "(already tokenized ids are opened as X/y arrays).");
    if (text.vocabularyPath.isEmpty())
        return QObject::tr("Choose the vocabulary file the model was trained with.");
    if (!QFileInfo(text.vocabularyPath).isFile())
        return QObject::tr("The vocabulary %1 does not exist.").arg(text.vocabularyPath);
    return {};
}

} // namespace graft::ui
