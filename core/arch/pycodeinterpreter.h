#pragma once

#include "core/arch/pycodevalue.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace graft::pycode {

struct InterpreterOptions
{
    QHash<QString, QJsonValue> bindings; // parameters of the entry function given by the user
    Shape inputShape;                    // the user's input shape (no batch axis); empty when not given
};

/**
 * Evaluates the parts of a Python syntax tree that build a Keras model: literals,
 * names, imports, arithmetic, loops, conditions, calls of the code's own functions,
 * layer construction and calls, Sequential/Model. Everything else (data loading,
 * training) becomes an Unknown value and is ignored unless a layer needs it.
 * Nothing is executed: the tree is walked, with a step budget.
 */
class Interpreter final
{
public:
    Interpreter(QJsonObject module, QByteArray source, InterpreterOptions options);

    /** Runs the module's definitions, then calls `function`; with an empty name runs the whole module. */
    void run(const QString &function);

    /** Top-level functions whose body constructs a Sequential or Model (by name, syntactically). */
    static QStringList modelBuildingFunctions(const QJsonObject &module);
    static QStringList topLevelFunctions(const QJsonObject &module);
    /** True when module-level code (outside functions) constructs a model or calls one of `builders`. */
    static bool moduleBuildsModel(const QJsonObject &module, const QStringList &builders);
    /** The first line of the top-level function `name`, 0 when there is none. */
    static int functionLine(const QJsonObject &module, const QString &name);

    /** "`Dense(model_output)`": the source text of a node, shortened. */
    QString snippet(const QJsonObject &node) const;

    std::vector<LayerRecord> layers;
    std::vector<ModelRecord> models;
    std::vector<ClassRecord> classes;
    QStringList notes;
    QStringList errors;
    ValuePtr returned;
    QString entryFunction;
    int entryLine = 0;

private:
    using ScopePtr = std::shared_ptr<Scope>;
    enum class Flow { Normal, Return, Break, Continue, Abort };

    // Statements and expressions (pycodeinterpreter.cpp).
    Flow execBlock(const QJsonArray &body, const ScopePtr &scope);
    Flow exec(const QJsonObject &stmt, const ScopePtr &scope);
    Flow execIf(const QJsonObject &stmt, const ScopePtr &scope);
    Flow execFor(const QJsonObject &stmt, const ScopePtr &scope);
    Flow execWhile(const QJsonObject &stmt, const ScopePtr &scope);
    void execImport(const QJsonObject &stmt, const ScopePtr &scope);
    void assign(const QJsonObject &target, const ValuePtr &value, const ScopePtr &scope);
    ValuePtr eval(const QJsonObject &expr, const ScopePtr &scope);
    ValuePtr evalBinary(const QString &op, const ValuePtr &a, const ValuePtr &b, const QJsonObject &node);
    ValuePtr evalCompare(const QJsonObject &expr, const ScopePtr &scope);
    ValuePtr evalSubscript(const ValuePtr &container, const ValuePtr &index, const QJsonObject &node);
    ValuePtr evalComprehension(const QJsonObject &expr, const ScopePtr &scope);
    ValuePtr lookup(const QString &name, const ScopePtr &scope, int line);
    ValuePtr attribute(const ValuePtr &object, const QString &name, const QJsonObject &node);
    std::optional<std::vector<ValuePtr>> iterate(const ValuePtr &value) const;
    bool budgetExceeded(int line);
    bool buildsLayers(const QJsonArray &body) const;

    // Calls (pycodecalls.cpp).
    ValuePtr call(const ValuePtr &callee, std::vector<ValuePtr> args, std::vector<std::pair<QString, ValuePtr>> kwargs,
                  const QJsonObject &node);
    ValuePtr callFunction(int function, const std::vector<ValuePtr> &args,
                          const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node);
    ValuePtr callBuiltin(const QString &name, const std::vector<ValuePtr> &args,
                         const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node);
    ValuePtr callMethod(const ValuePtr &self, const QString &name, const std::vector<ValuePtr> &args,
                        const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node);
    ValuePtr callKeras(const ValuePtr &symbol, const std::vector<ValuePtr> &args,
                       const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node);
    ValuePtr instantiate(const ValuePtr &cls, const std::vector<ValuePtr> &args,
                         const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node);
    ValuePtr createLayer(const QString &className, std::vector<ValuePtr> args,
                         std::vector<std::pair<QString, ValuePtr>> kwargs, int line,
                         const QString &spelled = QString());
    ValuePtr createInput(const std::vector<ValuePtr> &args, const std::vector<std::pair<QString, ValuePtr>> &kwargs,
                         int line, bool layerForm);
    ValuePtr callLayer(int layer, const std::vector<ValuePtr> &args,
                       const std::vector<std::pair<QString, ValuePtr>> &kwargs, const QJsonObject &node);
    ValuePtr createSequential(const std::vector<ValuePtr> &args,
                              const std::vector<std::pair<QString, ValuePtr>> &kwargs, int line);
    ValuePtr createFunctional(const std::vector<ValuePtr> &args,
                              const std::vector<std::pair<QString, ValuePtr>> &kwargs, int line);
    void addToSequential(int model, const ValuePtr &item, int line);
    bool buildSequential(int model, int line);
    ValuePtr tensorValue(const LayerCall::Ref &ref) const;
    bool tensorsOf(const ValuePtr &value, std::vector<LayerCall::Ref> *refs, int line, const QString &what);
    int implicitInput(const ValuePtr &unknown, int line);
    QString nextName(const QString &className);
    void setConfigValue(LayerRecord &layer, const QString &key, const ValuePtr &value, int line);

    // Values.
    ValuePtr resolveSymbol(const QString &dottedPath) const;
    QJsonValue toJson(const ValuePtr &value, QString *unknownDescription, QString *parameter, QString *problem) const;
    QString describe(const ValuePtr &value) const;

    QJsonObject m_module;
    QByteArray m_source;
    QList<QByteArray> m_lines;
    InterpreterOptions m_options;
    ScopePtr m_globals;
    QStringList m_starImports;
    std::vector<FunctionRecord> m_functions;
    QHash<QString, int> m_nameCounters;
    QHash<QString, int> m_implicitInputs;
    qint64 m_steps = 0;
    int m_depth = 0;
    bool m_entryCall = false; // the next callFunction is the entry: its missing parameters are questions
    bool m_aborted = false;
    ValuePtr m_returnValue;
};

} // namespace graft::pycode
