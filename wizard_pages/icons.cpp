#include "icons.h"

#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>

#include <functional>

// The application icon comes from resources/pgferry.qrc, compiled into this static library: only a
// call into it from code that is linked keeps it. Q_INIT_RESOURCE must be used outside a namespace.
static void initAppIconResource()
{
    static const bool once = [] {
        Q_INIT_RESOURCE(pgferry);
        return true;
    }();
    Q_UNUSED(once);
}

namespace pgferry::wizard {

namespace {

enum class Glyph { Check, Exclamation, Info, Cross, Dots, Play, Empty };

// An icon drawn on demand at whatever size and device pixel ratio it is shown: never scaled up.
class PaintedIconEngine final : public QIconEngine
{
public:
    using Painter = std::function<void(QPainter &, qreal size)>;
    explicit PaintedIconEngine(Painter paint) : m_paint(std::move(paint)) {}

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        const qreal s = std::min(rect.width(), rect.height());
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->translate(rect.x() + (rect.width() - s) / 2.0, rect.y() + (rect.height() - s) / 2.0);
        if (mode == QIcon::Disabled)
            painter->setOpacity(painter->opacity() * 0.45);
        m_paint(*painter, s);
        painter->restore();
    }
    // QIcon asks for size × device pixel ratio and sets the ratio on the result itself.
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        QPixmap pm(size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        paint(&p, QRect(QPoint(0, 0), size), mode, state);
        return pm;
    }
    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override { return size; }
    QList<QSize> availableSizes(QIcon::Mode, QIcon::State) override
    {
        return {QSize(16, 16), QSize(24, 24),   QSize(32, 32),  QSize(48, 48),
                QSize(64, 64), QSize(128, 128), QSize(256, 256)};
    }
    QIconEngine *clone() const override { return new PaintedIconEngine(m_paint); }
    QString key() const override { return QStringLiteral("pgferry-painted"); }

private:
    Painter m_paint;
};

void drawBadge(QPainter &p, qreal size, const QColor &color, Glyph glyph, bool ring)
{
    p.setRenderHint(QPainter::Antialiasing);
    const qreal m = size / 16.0;
    const QRectF r(m, m, size - 2 * m, size - 2 * m);
    if (ring) {
        p.setPen(QPen(color, size / 10.0));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(r.adjusted(size / 20.0, size / 20.0, -size / 20.0, -size / 20.0));
    } else {
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(r);
    }
    QPen pen(ring ? color : QColor(Qt::white), size / 8.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    const qreal s = size;
    switch (glyph) {
    case Glyph::Check: {
        QPainterPath path;
        path.moveTo(s * 0.28, s * 0.52);
        path.lineTo(s * 0.44, s * 0.67);
        path.lineTo(s * 0.72, s * 0.36);
        p.drawPath(path);
        break;
    }
    case Glyph::Exclamation:
        p.drawLine(QPointF(s * 0.5, s * 0.26), QPointF(s * 0.5, s * 0.56));
        p.drawPoint(QPointF(s * 0.5, s * 0.74));
        break;
    case Glyph::Info:
        p.drawPoint(QPointF(s * 0.5, s * 0.28));
        p.drawLine(QPointF(s * 0.5, s * 0.46), QPointF(s * 0.5, s * 0.74));
        break;
    case Glyph::Cross:
        p.drawLine(QPointF(s * 0.33, s * 0.33), QPointF(s * 0.67, s * 0.67));
        p.drawLine(QPointF(s * 0.67, s * 0.33), QPointF(s * 0.33, s * 0.67));
        break;
    case Glyph::Dots:
        for (qreal x : {0.3, 0.5, 0.7})
            p.drawPoint(QPointF(s * x, s * 0.5));
        break;
    case Glyph::Play: {
        QPainterPath path;
        path.moveTo(s * 0.4, s * 0.3);
        path.lineTo(s * 0.7, s * 0.5);
        path.lineTo(s * 0.4, s * 0.7);
        path.closeSubpath();
        p.setBrush(ring ? color : QColor(Qt::white));
        p.setPen(Qt::NoPen);
        p.drawPath(path);
        break;
    }
    case Glyph::Empty:
        break;
    }
}

QIcon iconOf(const QColor &color, Glyph glyph, bool ring = false)
{
    return QIcon(new PaintedIconEngine(
        [color, glyph, ring](QPainter &p, qreal size) { drawBadge(p, size, color, glyph, ring); }));
}

const QColor kGreen(0x2e, 0x9d, 0x50);
const QColor kBlue(0x2f, 0x74, 0xc0);
const QColor kAmber(0xd8, 0x8c, 0x00);
const QColor kRed(0xd1, 0x34, 0x38);
const QColor kGrey(0x8a, 0x8f, 0x98);

} // namespace

QColor severityColor(Severity s)
{
    switch (s) {
    case Severity::Pass:
        return kGreen;
    case Severity::Info:
        return kBlue;
    case Severity::Warning:
        return kAmber;
    case Severity::Blocker:
        return kRed;
    }
    return kGrey;
}

QIcon severityIcon(Severity s)
{
    switch (s) {
    case Severity::Pass:
        return iconOf(kGreen, Glyph::Check);
    case Severity::Info:
        return iconOf(kBlue, Glyph::Info);
    case Severity::Warning:
        return iconOf(kAmber, Glyph::Exclamation);
    case Severity::Blocker:
        return iconOf(kRed, Glyph::Cross);
    }
    return {};
}

QIcon tableStateIcon(engine::TableState s)
{
    using engine::TableState;
    switch (s) {
    case TableState::Queued:
        return iconOf(kGrey, Glyph::Dots, true);
    case TableState::Loading:
        return iconOf(kBlue, Glyph::Play);
    case TableState::Loaded:
    case TableState::Indexing:
        return iconOf(kBlue, Glyph::Dots);
    case TableState::Done:
        return iconOf(kGreen, Glyph::Check);
    case TableState::Failed:
        return iconOf(kRed, Glyph::Cross);
    }
    return {};
}

QIcon stepIcon(StepState s)
{
    switch (s) {
    case StepState::Pending:
        return iconOf(kGrey, Glyph::Empty, true);
    case StepState::Running:
        return iconOf(kBlue, Glyph::Play);
    case StepState::Done:
        return iconOf(kGreen, Glyph::Check);
    case StepState::Failed:
        return iconOf(kRed, Glyph::Cross);
    }
    return {};
}

QIcon appIcon()
{
    initAppIconResource();
    QIcon icon;
    for (int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/%1/io.github.pgferry.Pgferry.png").arg(size), QSize(size, size));
    return icon;
}

QPixmap appLogo(int size, qreal dpr)
{
    return appIcon().pixmap(QSize(size, size), dpr);
}

} // namespace pgferry::wizard
