// The part of the complex plane the widget shows, and how its pixels map onto the plane.
// A plain value: every tile job gets its own copy, so a job never reads the widget's state
// while the user zooms.
#pragma once

#include <QtCore/qpoint.h>
#include <QtCore/qrect.h>
#include <QtCore/qsize.h>

#include <algorithm>

struct Viewport
{
    //! The plane point at the centre of the widget (x real, y imaginary).
    QPointF center{-0.6, 0.0};
    //! Plane units per device pixel.
    double scale = 3.4 / 800;
    //! Device pixels.
    QSize size;

    // Below this, neighbouring pixels round to the same double: the picture turns to blocks.
    static constexpr double kMinScale = 1e-14;
    // Above this the set is a dot.
    static constexpr double kMaxScale = 0.05;

    //! The plane point at a pixel (pixel rows grow downwards, the imaginary axis upwards).
    QPointF toPlane(QPointF pixel) const
    {
        return {center.x() + (pixel.x() - size.width() / 2.0) * scale,
                center.y() - (pixel.y() - size.height() / 2.0) * scale};
    }

    //! The pixel showing a plane point.
    QPointF toPixel(QPointF point) const
    {
        return {(point.x() - center.x()) / scale + size.width() / 2.0,
                (center.y() - point.y()) / scale + size.height() / 2.0};
    }

    //! This view with the plane scaled by `factor` (< 1 zooms in) around `pixel`, which keeps
    //! showing the same point.
    Viewport zoomedAt(QPointF pixel, double factor) const
    {
        Viewport zoomed = *this;
        zoomed.scale = std::clamp(scale * factor, kMinScale, kMaxScale);
        const QPointF fixed = toPlane(pixel);
        zoomed.center = fixed + (center - fixed) * (zoomed.scale / scale);
        return zoomed;
    }

    //! Where the whole of `other`'s picture lands in this view's pixels: the old picture,
    //! stretched there, is the preview while the new one renders.
    QRectF rectOf(const Viewport &other) const
    {
        return QRectF(toPixel(other.toPlane({0, 0})),
                      toPixel(other.toPlane(QPointF(other.size.width(), other.size.height()))));
    }
};
