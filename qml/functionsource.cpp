#include "functionsource.h"

#include <QtCore/qfile.h>
#include <QtCore/qhash.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qurl.h>
#include <QtQml/qjsengine.h>
#include <QtQml/qqmlfile.h>

namespace FastThreadPool::Qml::detail {

namespace {

// A small JavaScript scanner: enough to find the extent of a bracketed region or of a call's
// arguments, skipping strings, template literals and comments. Regular expression literals
// containing unbalanced brackets would confuse it; the worker's compiler then reports a
// syntax error rather than anything running wrongly.
class Scanner
{
public:
    explicit Scanner(const QString &text) : m_text(text) { }

    //! Past the string, template or comment starting at `pos`, or `pos` if none starts there.
    qsizetype skipInert(qsizetype pos) const
    {
        const QChar c = m_text.at(pos);
        if (c == u'"' || c == u'\'' || c == u'`') {
            for (qsizetype i = pos + 1; i < m_text.size(); ++i) {
                if (m_text.at(i) == u'\\')
                    ++i;
                else if (m_text.at(i) == c)
                    return i + 1;
            }
            return m_text.size();
        }
        if (c == u'/' && pos + 1 < m_text.size()) {
            if (m_text.at(pos + 1) == u'/') {
                const qsizetype end = m_text.indexOf(u'\n', pos);
                return end < 0 ? m_text.size() : end;
            }
            if (m_text.at(pos + 1) == u'*') {
                const qsizetype end = m_text.indexOf(QLatin1String("*/"), pos + 2);
                return end < 0 ? m_text.size() : end + 2;
            }
        }
        return pos;
    }

    /*!
        Scans from `pos` (just after an opening bracket) to its closing bracket. Records the
        start of every top-level comma-separated part in `parts` (if given). Returns the
        index of the closing bracket, or -1.
    */
    qsizetype close(qsizetype pos, QList<qsizetype> *parts = nullptr) const
    {
        int depth = 0;
        if (parts)
            parts->append(pos);
        for (qsizetype i = pos; i < m_text.size();) {
            const qsizetype next = skipInert(i);
            if (next != i) {
                i = next;
                continue;
            }
            const QChar c = m_text.at(i);
            if (c == u'(' || c == u'[' || c == u'{') {
                ++depth;
            } else if (c == u')' || c == u']' || c == u'}') {
                if (depth == 0)
                    return i;
                --depth;
            } else if (c == u',' && depth == 0 && parts) {
                parts->append(i + 1);
            }
            ++i;
        }
        return -1;
    }

private:
    const QString &m_text;
};

struct Source
{
    QString text;
    QString fileName;
};

bool readFile(const QString &url, QString *text)
{
    static QHash<QString, QString> cache; // engine thread only; QML files do not change
    if (auto it = cache.constFind(url); it != cache.cend()) {
        *text = *it;
        return true;
    }
    const QString path = QQmlFile::urlToLocalFileOrQrc(QUrl(url));
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly))
        return false;
    *text = QString::fromUtf8(file.readAll());
    cache.insert(url, *text);
    return true;
}

int lineOf(const QString &text, qsizetype pos)
{
    return 1 + int(QStringView(text).left(pos).count(u'\n'));
}

qsizetype lineStart(const QString &text, int line)
{
    qsizetype pos = 0;
    for (int i = 1; i < line && pos >= 0; ++i) {
        pos = text.indexOf(u'\n', pos);
        if (pos >= 0)
            ++pos;
    }
    return pos;
}

bool looksLikeFunction(const QString &expression)
{
    static const QRegularExpression function(
            QStringLiteral(R"(^(async\s+)?(function\b|\([^()]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>))"));
    return function.match(expression).hasMatch();
}

//! The text of `function NAME(...) {...}` declared in `text`, or empty.
FunctionText declaration(const QString &text, const QString &name, const QString &fileName)
{
    const QRegularExpression declared(
            QStringLiteral(R"(\bfunction\s+%1\s*\()").arg(QRegularExpression::escape(name)));
    const QRegularExpressionMatch match = declared.match(text);
    if (!match.hasMatch())
        return {};
    Scanner scanner(text);
    const qsizetype params = scanner.close(match.capturedEnd());
    const qsizetype body = params < 0 ? -1 : text.indexOf(u'{', params);
    const qsizetype end = body < 0 ? -1 : scanner.close(body + 1);
    if (end < 0)
        return {};
    const qsizetype start = match.capturedStart();
    return {text.mid(start, end + 1 - start), fileName, lineOf(text, start), {}};
}

} // namespace

FunctionText functionSource(QJSEngine *engine, const QJSValue &function, const char *method,
                            int argument)
{
    const QString shown = function.toString();
    if (!shown.contains(QLatin1String("[native code]")))
        return {shown, QStringLiteral("ThreadPool job"), 1, {}};

    static const QRegularExpression namedRe(QStringLiteral(R"(^function\s+([\w$]+)\s*\()"));
    const QString ownName = namedRe.match(shown).captured(1);
    const QString advice = QStringLiteral(
            "; write the function inline in the call, declare it as `function NAME(...)` in the "
            "calling file, or pass its name from ThreadPool.source");
    if (!engine)
        return {{},
                {},
                1,
                QStringLiteral("the job's function text cannot be found (no QML "
                               "engine)")
                        + advice};

    // The innermost frame with a file is the QML or JS code calling the ThreadPool.
    static const QRegularExpression frameRe(QStringLiteral(R"(@(.+):(\d+)$)"));
    QString url;
    int line = 0;
    const QStringList frames
            = engine->evaluate(QStringLiteral("new Error().stack")).toString().split(u'\n');
    for (const QString &frame : frames) {
        const QRegularExpressionMatch m = frameRe.match(frame);
        if (m.hasMatch()) {
            url = m.captured(1);
            line = m.captured(2).toInt();
            break;
        }
    }
    QString text;
    if (url.isEmpty() || !readFile(url, &text))
        return {{},
                {},
                1,
                QStringLiteral("the job's function text cannot be found: the calling "
                               "file (%1) cannot be read")
                                .arg(url.isEmpty() ? QStringLiteral("unknown") : url)
                        + advice};

    // The calls: those on the reported line, else the nearest one before it (a call
    // spanning several lines may be reported at its end).
    const int arity = function.property(QStringLiteral("length")).toInt();
    const QString site = QStringLiteral("%1:%2:%3:%4:%5")
                                 .arg(url)
                                 .arg(line)
                                 .arg(QLatin1String(method))
                                 .arg(argument)
                                 .arg(arity);
    static QHash<QString, FunctionText> sites; // engine thread only; files do not change
    if (auto it = sites.constFind(site); it != sites.cend())
        return *it;

    const QRegularExpression callRe(QStringLiteral(R"(\b%1\s*\()").arg(QLatin1String(method)));
    const qsizetype from = lineStart(text, line);
    QList<qsizetype> calls;
    if (from >= 0) {
        const qsizetype eol = text.indexOf(u'\n', from);
        for (auto it = callRe.globalMatch(text, from); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            if (eol >= 0 && m.capturedStart() > eol)
                break;
            calls.append(m.capturedEnd());
        }
        if (calls.isEmpty()) {
            qsizetype last = -1;
            for (auto it = callRe.globalMatch(text.left(from)); it.hasNext();)
                last = it.next().capturedEnd();
            if (last >= 0)
                calls.append(last);
        }
    }
    // The argument of each call; several calls on one line are told apart by arity.
    QList<FunctionText> candidates;
    QString expression; // of the first call, if no candidate is a function expression
    for (qsizetype call : std::as_const(calls)) {
        QList<qsizetype> parts;
        const qsizetype end = Scanner(text).close(call, &parts);
        if (end < 0 || argument >= parts.size())
            continue;
        const qsizetype partEnd = argument + 1 < parts.size() ? parts.at(argument + 1) - 1 : end;
        const QString raw = text.mid(parts.at(argument), partEnd - parts.at(argument));
        const QString trimmed = raw.trimmed();
        if (expression.isEmpty())
            expression = trimmed;
        if (!looksLikeFunction(trimmed))
            continue;
        const qsizetype start = parts.at(argument) + raw.indexOf(trimmed);
        candidates.append({trimmed, url, lineOf(text, start), {}});
    }
    if (candidates.size() > 1) {
        candidates.removeIf([&](const FunctionText &candidate) {
            const QJSValue compiled
                    = engine->evaluate(QLatin1Char('(') + candidate.text + QLatin1String("\n)"));
            return !compiled.isCallable()
                    || compiled.property(QStringLiteral("length")).toInt() != arity;
        });
        if (candidates.size() != 1) {
            return {{},
                    {},
                    1,
                    QStringLiteral("%1:%2 has several %3() calls with function arguments that "
                                   "cannot be told apart; put them on separate lines")
                            .arg(url)
                            .arg(line)
                            .arg(QLatin1String(method))};
        }
    }
    if (candidates.size() == 1) {
        sites.insert(site, candidates.constFirst());
        return candidates.constFirst();
    }

    static const QRegularExpression identifierRe(QStringLiteral(R"(([\w$]+)$)"));
    for (const QString &name : {identifierRe.match(expression).captured(1), ownName}) {
        if (name.isEmpty())
            continue;
        FunctionText found = declaration(text, name, url);
        if (!found.text.isEmpty()) {
            sites.insert(site, found);
            return found;
        }
    }
    return {{},
            {},
            1,
            QStringLiteral("the job's function text cannot be found in %1 near line "
                           "%2 (Qt's engine keeps no function source)")
                            .arg(url)
                            .arg(line)
                    + advice};
}

} // namespace FastThreadPool::Qml::detail
