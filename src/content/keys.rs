//! The keys a content file may use, each declared once: as a field of a
//! struct. Front matter declares its keys per kind of page with [`keys!`];
//! nested blocks (`referring:`, `hours:`, checklist items) are structs
//! deriving `Deserialize`, whose keys [`keys_of`] reads back from serde.
//! The lists of allowed keys in findings and hints come from these
//! structs, so a new key is added in one place.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// The keys of one kind of file, read one at a time: the interface
/// [`keys!`] implements.
pub(crate) trait Keys: Default {
    /// Every key, in the order findings list them.
    const KEYS: &'static [&'static str];

    /// Reads the value of `key` from `map` when `key` is one of these keys;
    /// `seen` holds every key read so far, to refuse one given twice.
    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        seen: &mut Vec<&'static str>,
    ) -> Result<bool, A::Error>;

    /// The keys that have a value, in declaration order.
    fn set(&self) -> Vec<&'static str>;
}

/// Declares a set of keys as a struct whose fields ARE the keys (each
/// optional: a key without a value is as if it were not written), and
/// implements [`Keys`] for it.
macro_rules! keys {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($(#[$field_meta:meta])* $key:ident: $ty:ty,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        $vis struct $name {
            $($(#[$field_meta])* pub $key: Option<$ty>,)*
        }

        impl $crate::content::keys::Keys for $name {
            const KEYS: &'static [&'static str] = &[$(stringify!($key)),*];

            fn read<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
                seen: &mut Vec<&'static str>,
            ) -> Result<bool, A::Error> {
                match key {
                    $(stringify!($key) => {
                        $crate::content::keys::first_time(stringify!($key), seen)?;
                        self.$key = map.next_value()?;
                    })*
                    _ => return Ok(false),
                }
                Ok(true)
            }

            fn set(&self) -> Vec<&'static str> {
                let mut set = Vec::new();
                $(if self.$key.is_some() {
                    set.push(stringify!($key));
                })*
                set
            }
        }
    };
}
pub(crate) use keys;

/// Refuses a key given twice, as serde does for a struct's fields.
pub(crate) fn first_time<E: de::Error>(
    key: &'static str,
    seen: &mut Vec<&'static str>,
) -> Result<(), E> {
    if seen.contains(&key) {
        return Err(E::duplicate_field(key));
    }
    seen.push(key);
    Ok(())
}

/// A key of a mapping, read as serde reads a struct's field names, so that
/// a key that is not text (`? [a]`) fails with the same message.
pub(crate) struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }
}

/// The keys a struct deriving `Deserialize` accepts: serde passes them to
/// `deserialize_struct`, where this deserializer takes them and stops.
pub(crate) fn keys_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut keys: &'static [&'static str] = &[];
    // The error is the stop, not a fault: the keys are what was wanted.
    let _stopped = T::deserialize(KeysOf(&mut keys));
    keys
}

struct KeysOf<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for KeysOf<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("keys taken"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Block {
        first: Option<String>,
        second: u32,
    }

    #[test]
    fn keys_of_a_struct_are_its_fields_in_order() {
        assert_eq!(keys_of::<Block>(), ["first", "second"]);
        assert!(keys_of::<String>().is_empty());
    }
}
