//! The interactive form (PDF 32000-1 §12.7): where the `/AcroForm` is, its fields with their
//! full names (§12.7.3.2), and the objects to rewrite so that a new signature field joins the
//! form and its widget joins the page's `/Annots`.

use std::collections::HashSet;

use crate::PdfError;
use crate::parse::{Dict, Document, ObjRef, Object, PageRef};

/// How deeply the field tree may nest.
const MAX_FIELD_DEPTH: usize = 32;

/// Where the catalog keeps the form.
#[derive(Debug)]
pub(crate) enum FormLoc {
    Absent,
    Direct(Dict),
    Indirect(ObjRef, Dict),
}

impl FormLoc {
    pub fn load(doc: &Document<'_>, catalog: &Dict) -> Result<FormLoc, PdfError> {
        Ok(match catalog.get(b"AcroForm") {
            None => FormLoc::Absent,
            Some(Object::Ref(r)) => match doc.get(*r)? {
                Object::Dict(d) => FormLoc::Indirect(*r, d),
                Object::Null => FormLoc::Absent,
                other => {
                    return Err(PdfError::Structure(format!(
                        "/AcroForm {r} is a {}",
                        other.type_name()
                    )));
                }
            },
            Some(Object::Dict(d)) => FormLoc::Direct(d.clone()),
            Some(other) => {
                return Err(PdfError::Structure(format!(
                    "/AcroForm is a {}",
                    other.type_name()
                )));
            }
        })
    }

    pub fn dict(&self) -> Option<&Dict> {
        match self {
            FormLoc::Absent => None,
            FormLoc::Direct(d) | FormLoc::Indirect(_, d) => Some(d),
        }
    }
}

/// A terminal field of the form.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub dict: Dict,
    /// The full name: the partial names from the root down, joined by `.`.
    pub name: String,
    /// `/FT`, inherited from an ancestor if need be.
    pub kind: Option<Vec<u8>>,
    /// The widgets: the field itself when it is merged with its widget, else its kids.
    pub widgets: Vec<(ObjRef, Dict)>,
}

/// Every terminal field of the form, in tree order.
pub(crate) fn fields(doc: &Document<'_>, form: &FormLoc) -> Result<Vec<Field>, PdfError> {
    let Some(form) = form.dict() else {
        return Ok(Vec::new());
    };
    let roots = match form.get(b"Fields").map(|f| doc.resolve(f)).transpose()? {
        None | Some(Object::Null) => return Ok(Vec::new()),
        Some(Object::Array(a)) => a,
        Some(other) => {
            return Err(PdfError::Structure(format!(
                "/AcroForm /Fields is a {}",
                other.type_name()
            )));
        }
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for root in roots {
        if let Object::Ref(r) = root {
            walk(doc, r, "", None, 0, &mut seen, &mut out)?;
        }
    }
    Ok(out)
}

fn walk(
    doc: &Document<'_>,
    id: ObjRef,
    parent: &str,
    parent_kind: Option<&[u8]>,
    depth: usize,
    seen: &mut HashSet<ObjRef>,
    out: &mut Vec<Field>,
) -> Result<(), PdfError> {
    if depth > MAX_FIELD_DEPTH || !seen.insert(id) {
        return Err(PdfError::Structure(format!(
            "the form's field tree loops or nests too deeply at {id}"
        )));
    }
    let Object::Dict(dict) = doc.get(id)? else {
        // A dangling field reference is skipped, as viewers do.
        return Ok(());
    };
    let name = match dict.get(b"T").map(|t| doc.resolve(t)).transpose()? {
        Some(Object::Str(t)) => {
            let part = crate::parse::object::decode_text(&t);
            if parent.is_empty() {
                part
            } else {
                format!("{parent}.{part}")
            }
        }
        _ => parent.to_owned(),
    };
    let kind = dict.name(b"FT").or(parent_kind).map(<[u8]>::to_vec);
    let kids = match dict.get(b"Kids").map(|k| doc.resolve(k)).transpose()? {
        Some(Object::Array(k)) => k,
        _ => Vec::new(),
    };
    let mut widgets = Vec::new();
    let mut child_fields = Vec::new();
    for kid in kids {
        let Object::Ref(kid) = kid else { continue };
        let Object::Dict(kd) = doc.get(kid)? else {
            continue;
        };
        if kd.get(b"T").is_some() || kd.get(b"Kids").is_some() {
            child_fields.push(kid);
        } else {
            widgets.push((kid, kd));
        }
    }
    if child_fields.is_empty() {
        if dict.name(b"Subtype") == Some(b"Widget") {
            widgets.insert(0, (id, dict.clone()));
        }
        out.push(Field {
            dict,
            name,
            kind,
            widgets,
        });
        return Ok(());
    }
    for kid in child_fields {
        walk(doc, kid, &name, kind.as_deref(), depth + 1, seen, out)?;
    }
    Ok(())
}

/// The rewritten objects that add `widget` to the form and to `page`.
#[derive(Debug, Default)]
pub(crate) struct Joins {
    /// Existing objects with their new content.
    pub changed: Vec<(ObjRef, Object)>,
    /// A new `/AcroForm` object (when the form was absent or direct), and the rewritten catalog.
    pub new_form: Option<Object>,
}

/// Plans the changes that add the field-and-widget `widget` on `page`. `form_id` is the number
/// reserved for a new `/AcroForm` object, used when the form is absent or direct (so that later
/// stamps only touch the form object, never the catalog again).
pub(crate) fn join(
    doc: &Document<'_>,
    catalog: (ObjRef, &Dict),
    form: &FormLoc,
    page: &PageRef,
    widget: ObjRef,
    form_id: ObjRef,
) -> Result<Joins, PdfError> {
    let mut joins = Joins::default();

    // The widget in the page's /Annots.
    match page.dict.get(b"Annots") {
        Some(Object::Ref(r)) => {
            let list = append(doc, &Object::Ref(*r), widget, "the page's /Annots")?;
            joins.changed.push((*r, list));
        }
        annots => {
            let list = match annots {
                Some(a) => append(doc, a, widget, "the page's /Annots")?,
                None => Object::Array(vec![Object::Ref(widget)]),
            };
            let mut dict = page.dict.clone();
            dict.set(b"Annots", list);
            joins.changed.push((page.id, Object::Dict(dict)));
        }
    }

    // The field in the form's /Fields, and /SigFlags 3 (SignaturesExist | AppendOnly).
    let mut form_dict = form.dict().cloned().unwrap_or_default();
    let sig_flags = form_dict.int(b"SigFlags").unwrap_or(0);
    let mut form_changed = sig_flags & 3 != 3;
    form_dict.set(b"SigFlags", Object::Int(sig_flags | 3));
    match form_dict.get(b"Fields") {
        Some(Object::Ref(r)) => {
            let list = append(doc, &Object::Ref(*r), widget, "/AcroForm /Fields")?;
            joins.changed.push((*r, list));
        }
        fields => {
            let list = match fields {
                Some(f) => append(doc, f, widget, "/AcroForm /Fields")?,
                None => Object::Array(vec![Object::Ref(widget)]),
            };
            form_dict.set(b"Fields", list);
            form_changed = true;
        }
    }
    match form {
        FormLoc::Indirect(id, _) => {
            if form_changed {
                joins.changed.push((*id, Object::Dict(form_dict)));
            }
        }
        FormLoc::Absent | FormLoc::Direct(_) => {
            joins.new_form = Some(Object::Dict(form_dict));
            let mut cat = catalog.1.clone();
            cat.set(b"AcroForm", Object::Ref(form_id));
            joins.changed.push((catalog.0, Object::Dict(cat)));
        }
    }
    Ok(joins)
}

/// `list` (an array, direct or by reference) with `item` appended.
pub(crate) fn append(
    doc: &Document<'_>,
    list: &Object,
    item: ObjRef,
    what: &str,
) -> Result<Object, PdfError> {
    match doc.resolve(list)? {
        Object::Array(mut items) => {
            items.push(Object::Ref(item));
            Ok(Object::Array(items))
        }
        Object::Null => Ok(Object::Array(vec![Object::Ref(item)])),
        other => Err(PdfError::Structure(format!(
            "{what} is a {}, not an array",
            other.type_name()
        ))),
    }
}
