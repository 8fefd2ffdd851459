//! The orderers as the pages that list them all (index, sitemap) see them: a sequence whose
//! items become template values only when a loop reaches them, so a site of tens of thousands
//! of orderers is never held in memory twice (once as content, once as template values); and
//! any other list made lazy the same way (the feed's entries).

use std::sync::Arc;

use chrono::NaiveDate;
use minijinja::value::{Enumerator, Object, ObjectRepr, Serde};
use minijinja::Value;

use crate::content::Orderer;

use super::summary::OrdererSummary;

/// Some of the orderers (all, or one prefecture's), in index order.
#[derive(Debug)]
pub struct ListedOrderers {
    orderers: Arc<Vec<Orderer>>,
    /// Positions in `orderers` of those listed: the ones with a start date.
    listed: Vec<u32>,
    today: NaiveDate,
}

impl ListedOrderers {
    pub fn new(orderers: Arc<Vec<Orderer>>, listed: Vec<u32>, today: NaiveDate) -> ListedOrderers {
        ListedOrderers {
            orderers,
            listed,
            today,
        }
    }
}

impl Object for ListedOrderers {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let at = *self.listed.get(key.as_usize()?)? as usize;
        let summary = OrdererSummary::new(self.orderers.get(at)?, self.today)?;
        Some(Value::from(Serde(&summary)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.listed.len())
    }
}

/// Every listed orderer.
pub fn all_listed(orderers: &Arc<Vec<Orderer>>, today: NaiveDate) -> Value {
    let listed = (0..orderers.len() as u32)
        .filter(|&at| !orderers[at as usize].targets.is_empty())
        .collect();
    Value::from_object(ListedOrderers::new(orderers.clone(), listed, today))
}

/// Any list whose items become template values only when a loop reaches them (the feed's
/// entries: one per dated event of every orderer).
#[derive(Debug)]
pub struct LazyList<T>(pub Vec<T>);

impl<T: serde::Serialize + std::fmt::Debug + Send + Sync + 'static> Object for LazyList<T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_usize()?).map(|item| Value::from(Serde(item)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
}
