#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace graft {

/** A failure a user can act on: what went wrong, naming the file, layer or shape at fault. */
struct Error
{
    QString message;
};

/**
 * Either a value or an Error (C++17 has no std::expected). Core functions that
 * can fail on outside data return this instead of throwing across module borders.
 */
template <typename T> class Expected final
{
public:
    Expected(T value) : m_data(std::in_place_index<0>, std::move(value)) { }
    Expected(Error error) : m_data(std::in_place_index<1>, std::move(error)) { }

    bool hasValue() const { return m_data.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    T &value() & { return std::get<0>(m_data); }
    const T &value() const & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_data); }
    QString errorString() const { return hasValue() ? QString() : error().message; }

private:
    std::variant<T, Error> m_data;
};

/** Expected<void>: success, or an Error. */
template <> class Expected<void> final
{
public:
    Expected() = default;
    Expected(Error error) : m_error(std::move(error)) { }

    bool hasValue() const { return !m_error.has_value(); }
    explicit operator bool() const { return hasValue(); }
    const Error &error() const { return *m_error; }
    QString errorString() const { return m_error ? m_error->message : QString(); }

private:
    std::optional<Error> m_error;
};

inline Error makeError(const QString &message)
{
    return Error{message};
}

} // namespace graft
