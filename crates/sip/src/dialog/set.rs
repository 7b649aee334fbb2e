//! The dialogs one INVITE of ours forks into (RFC 3261 sections 12.1.2, 12.3 and 13.2.2.4): a
//! proxy may ring several phones, each answering with a To tag of its own, so each tag is a
//! dialog of its own, early until its 2xx.

use super::{Dialog, DialogId, State};
use crate::message::Message;
use crate::types::Method;

/// The INVITE and the dialogs its responses made, one per To tag.
#[derive(Debug, Clone)]
pub struct DialogSet {
    invite: Message,
    dialogs: Vec<Dialog>,
}

impl DialogSet {
    /// No dialog yet for `invite`, which we sent.
    pub fn new(invite: Message) -> Self {
        DialogSet {
            invite,
            dialogs: Vec::new(),
        }
    }

    /// A response to the INVITE. A 101-299 with a To tag finds its dialog, made if it is the
    /// first with that tag, and updates it; the dialog is returned. A failure ends every early
    /// dialog (section 12.3: a non-2xx final answer ends them all) and returns `None`.
    pub fn on_response(&mut self, response: &Message) -> Option<&mut Dialog> {
        let status = response.status()?;
        if response.cseq_typed().map(|(_, m)| m) != Some(Method::Invite) {
            return None;
        }
        if status.is_final() && !status.is_success() {
            self.dialogs.retain(|d| d.state() == State::Confirmed);
            return None;
        }
        let id = DialogId::of_received_response(response)?;
        match self.dialogs.iter().position(|d| *d.id() == id) {
            Some(i) => {
                let dialog = &mut self.dialogs[i];
                dialog.on_response(response);
                Some(dialog)
            }
            None => {
                let dialog = Dialog::uac(&self.invite, response).ok()?;
                self.dialogs.push(dialog);
                self.dialogs.last_mut()
            }
        }
    }

    /// Every dialog, in the order its first response came.
    pub fn dialogs(&self) -> &[Dialog] {
        &self.dialogs
    }

    /// The dialog `id`, to send or receive in.
    pub fn get_mut(&mut self, id: &DialogId) -> Option<&mut Dialog> {
        self.dialogs.iter_mut().find(|d| d.id() == id)
    }

    /// Forgets the dialog `id` (it ended with a BYE, or was never wanted).
    pub fn remove(&mut self, id: &DialogId) -> Option<Dialog> {
        let i = self.dialogs.iter().position(|d| d.id() == id)?;
        Some(self.dialogs.remove(i))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn from(tag: &str, status: &str) -> Message {
        msg(&OK
            .replace("200 OK", status)
            .replace("tag=b1", &format!("tag={tag}"))
            .replace("192.0.2.2:5062", &format!("{tag}.example")))
    }

    #[test]
    fn each_to_tag_of_a_forked_invite_is_an_early_dialog_of_its_own_rfc3261_12_1_2() {
        let mut set = DialogSet::new(msg(INVITE));
        assert!(set.on_response(&from("b1", "180 Ringing")).is_some());
        assert!(
            set.on_response(&from("b2", "183 Session Progress"))
                .is_some()
        );
        // A second 180 from the first phone is the same dialog.
        set.on_response(&from("b1", "180 Ringing"));
        let tags: Vec<&str> = set
            .dialogs()
            .iter()
            .map(|d| d.id().remote_tag.as_str())
            .collect();
        assert_eq!(tags, ["b1", "b2"]);
        assert_eq!(
            set.dialogs()[1].remote_target(),
            "sip:201@b2.example;transport=udp"
        );
        assert!(set.dialogs().iter().all(|d| d.state() == State::Early));
    }

    #[test]
    fn the_2xx_confirms_its_own_dialog_and_leaves_the_others_early_rfc3261_13_2_2_4() {
        let mut set = DialogSet::new(msg(INVITE));
        set.on_response(&from("b1", "180 Ringing"));
        set.on_response(&from("b2", "180 Ringing"));
        let answered = set.on_response(&from("b2", "200 OK")).unwrap();
        assert_eq!(answered.state(), State::Confirmed);
        let states: Vec<State> = set.dialogs().iter().map(Dialog::state).collect();
        assert_eq!(states, [State::Early, State::Confirmed]);
        // A 2xx from a third phone no provisional came from still makes a dialog: the TU
        // acknowledges it and ends it with a BYE (13.2.2.4).
        let late = set.on_response(&from("b3", "200 OK")).unwrap();
        assert_eq!(late.state(), State::Confirmed);
        assert_eq!(set.dialogs().len(), 3);
    }

    #[test]
    fn a_failure_ends_every_early_dialog_rfc3261_12_3() {
        let mut set = DialogSet::new(msg(INVITE));
        set.on_response(&from("b1", "180 Ringing"));
        set.on_response(&from("b2", "180 Ringing"));
        assert!(set.on_response(&from("b3", "486 Busy Here")).is_none());
        assert!(set.dialogs().is_empty());
        // A 100 Trying (no tag, hop by hop) makes none.
        assert!(
            set.on_response(&msg(&OK
                .replace("200 OK", "100 Trying")
                .replace(";tag=b1", "")))
                .is_none()
        );
    }
}
