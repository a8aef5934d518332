//! QR codes drawn on the server as SVG, so that a page that shows one needs no script and no image request.

use qrcode::QrCode;
use qrcode::render::svg;

use crate::error::WebError;

/// The QR code of `text` as inline SVG, hidden from screen readers: the page says the same in words beside it.
pub fn svg(text: &str) -> Result<String, WebError> {
    let code = QrCode::new(text.as_bytes()).map_err(|e| WebError::Internal(format!("no QR code for the link: {e}")))?;
    let drawn = code.render::<svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    // The renderer writes a whole document; inline, only the <svg> element belongs in the page.
    let element = drawn.find("<svg").map(|start| &drawn[start..]).unwrap_or(&drawn);
    Ok(element.replacen("<svg", r#"<svg class="qr-code" aria-hidden="true" focusable="false""#, 1))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_code_is_an_inline_svg_without_inline_style() {
        let drawn = super::svg("otpauth://totp/inbeeld:a%40b.nl?secret=JBSWY3DPEHPK3PXP&issuer=inbeeld").unwrap();
        assert!(drawn.starts_with(r#"<svg class="qr-code" aria-hidden="true""#), "{drawn}");
        assert!(!drawn.contains("style="), "the Content-Security-Policy forbids inline style");
        assert!(!drawn.contains("<?xml"));
    }
}
