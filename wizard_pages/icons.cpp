#include "icons.h"

#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>

#include <functional>

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
        return {QSize(16, 16), QSize(24, 24), QSize(32, 32), QSize(48, 48), QSize(64, 64), QSize(128, 128), QSize(256, 256)};
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
    return QIcon(new PaintedIconEngine([color, glyph, ring](QPainter &p, qreal size) { drawBadge(p, size, color, glyph, ring); }));
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
    case Severity::Pass: return kGreen;
    case Severity::Info: return kBlue;
    case Severity::Warning: return kAmber;
    case Severity::Blocker: return kRed;
    }
    return kGrey;
}

QIcon severityIcon(Severity s)
{
    switch (s) {
    case Severity::Pass: return iconOf(kGreen, Glyph::Check);
    case Severity::Info: return iconOf(kBlue, Glyph::Info);
    case Severity::Warning: return iconOf(kAmber, Glyph::Exclamation);
    case Severity::Blocker: return iconOf(kRed, Glyph::Cross);
    }
    return {};
}

QIcon tableStateIcon(engine::TableState s)
{
    using engine::TableState;
    switch (s) {
    case TableState::Queued: return iconOf(kGrey, Glyph::Dots, true);
    case TableState::Loading: return iconOf(kBlue, Glyph::Play);
    case TableState::Loaded:
    case TableState::Indexing: return iconOf(kBlue, Glyph::Dots);
    case TableState::Done: return iconOf(kGreen, Glyph::Check);
    case TableState::Failed: return iconOf(kRed, Glyph::Cross);
    }
    return {};
}

QIcon stepIcon(StepState s)
{
    switch (s) {
    case StepState::Pending: return iconOf(kGrey, Glyph::Empty, true);
    case StepState::Running: return iconOf(kBlue, Glyph::Play);
    case StepState::Done: return iconOf(kGreen, Glyph::Check);
    case StepState::Failed: return iconOf(kRed, Glyph::Cross);
    }
    return {};
}

namespace {
void drawLogo(QPainter &p, qreal s)
{
    p.setRenderHint(QPainter::Antialiasing);
    QLinearGradient g(0, 0, 0, s);
    g.setColorAt(0, QColor(0x33, 0x67, 0x91));
    g.setColorAt(1, QColor(0x1f, 0x4e, 0x79));
    p.setPen(Qt::NoPen);
    p.setBrush(g);
    p.drawRoundedRect(QRectF(0, 0, s, s), s * 0.22, s * 0.22);
    // The ferry: a hull on two waves, carrying a database cylinder.
    p.setBrush(Qt::white);
    QPainterPath hull;
    hull.moveTo(s * 0.16, s * 0.56);
    hull.lineTo(s * 0.84, s * 0.56);
    hull.lineTo(s * 0.74, s * 0.70);
    hull.lineTo(s * 0.26, s * 0.70);
    hull.closeSubpath();
    p.drawPath(hull);
    const QRectF body(s * 0.36, s * 0.24, s * 0.28, s * 0.28);
    p.drawRect(QRectF(body.left(), body.top() + s * 0.04, body.width(), body.height() - s * 0.04));
    p.drawEllipse(QRectF(body.left(), body.top(), body.width(), s * 0.08));
    p.setBrush(QColor(0x33, 0x67, 0x91));
    p.drawEllipse(QRectF(body.left() + s * 0.02, body.top() + s * 0.01, body.width() - s * 0.04, s * 0.05));
    QPen wave(QColor(0x9c, 0xd3, 0xff), s * 0.045, Qt::SolidLine, Qt::RoundCap);
    p.setPen(wave);
    p.setBrush(Qt::NoBrush);
    for (qreal y : {0.78, 0.87}) {
        QPainterPath w;
        w.moveTo(s * 0.14, s * y);
        for (int i = 0; i < 4; ++i)
            w.quadTo(s * (0.14 + 0.09 * (2 * i + 1)), s * (y - 0.04 * (i % 2 ? -1 : 1)), s * (0.14 + 0.18 * (i + 1)), s * y);
        p.drawPath(w);
    }
}
} // namespace

QPixmap appLogo(int size, qreal dpr)
{
    QPixmap pm(QSize(size, size) * dpr);
    pm.setDevicePixelRatio(dpr);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    drawLogo(p, size);
    return pm;
}

QIcon appIcon() { return QIcon(new PaintedIconEngine(drawLogo)); }

} // namespace pgferry::wizard
